import type { Intention } from "../intentions/intention-schema";
import type { AgentStatus } from "../model/agent";
import type { Decision } from "../model/decision";
import type { IntentClass, RiskLevel, TrustTier } from "../model/enums";
import type { DataElementRef } from "../model/intent";

/** The agent as the engine sees it. */
export interface EvaluationAgent {
  id: string;
  trustTier: TrustTier;
  status: AgentStatus;
  domains: readonly string[];
  intentTypes: readonly string[];
}

/** A classified intent (params already validated by the catalog). */
export interface EvaluationIntent {
  type: string;
  domain: string;
  agentId: string;
  params: Readonly<Record<string, unknown>>;
  riskLevel: RiskLevel;
  intentClass?: IntentClass;
  /** Label of the intention the agent names, if any. */
  intention?: string;
  dataElements?: readonly DataElementRef[];
}

/**
 * Result of matching an intent against the tenant's active intentions. `note` says why an
 * intention the intent named did not apply (the auto-match rule decided instead).
 */
export type IntentionMatch =
  | { kind: "matched"; intention: Intention; named: boolean; disallowed: DataElementRef[]; note?: string }
  | { kind: "ambient"; note?: string };

/** Compiled active intentions of a tenant. */
export interface IntentionMatcher {
  match(intent: EvaluationIntent): IntentionMatch;
}

/** Output of evaluate(); the storage-free decision. */
export type { Decision };
