export { agentSlug } from "./agent-slug";
export { DATE_BOUND_RULE, parseDateBound } from "./date-bound";
export { createGovernor } from "./governor";
export {
  type CompleteIntentInput,
  CompleteIntentInputSchema,
  type FailIntentInput,
  FailIntentInputSchema,
  type IntentionPatch,
  IntentionPatchSchema,
  type RejectApprovalInput,
  RejectApprovalInputSchema,
  type SetTrustInput,
  SetTrustInputSchema,
  SimulatedAgentSchema,
  type SimulateInput,
  SimulateInputSchema,
} from "./governor-inputs";
export type {
  Actor,
  AgentMetrics,
  ApprovalResult,
  ApprovalView,
  Governor,
  GovernorOptions,
  GovernorStats,
  IntentDetails,
  IntentionOrigin,
  IntentSummary,
  IntentTokenContext,
  PageInput,
  SimulateResult,
  SubmitResult,
} from "./governor-types";
export { type AuditDraft, type EventDrafts, type OutboxDraft, recordEvents } from "./record-events";
