import type { z } from "zod";
import type { IntentClass, RiskLevel, ValueCategory } from "../model/enums";

/** Settings an estimator may read (hourly rate, per-type risk-mitigation values, …). */
export interface ValueEstimatorSettings {
  /** Hourly rate in cents used to price minutes saved. Default 6000 ($60 an hour). */
  hourlyRateCents: number;
  /** Value per intent type (cents) for risk-mitigation estimates; falls back to the type's own default. */
  riskMitigationCents: Readonly<Record<string, number>>;
  /** Value per intent type (cents) for cost-savings estimates; falls back to the type's own default. */
  costSavingsCents?: Readonly<Record<string, number>>;
}

export const DEFAULT_ESTIMATOR_SETTINGS: ValueEstimatorSettings = {
  hourlyRateCents: 6_000,
  riskMitigationCents: {},
};

export interface IntentTypeDefinition<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** `domain.action`, e.g. `billing.send_invoice`. */
  name: Name;
  description: string;
  /** The guide's "Typical Value"; null for "-". */
  valueCategory: ValueCategory | null;
  intentClass: IntentClass;
  defaultRisk: RiskLevel;
  params: Schema;
  /** Raise (never lower) the risk from params, e.g. amount thresholds. */
  escalateRisk?: (params: z.output<Schema>) => RiskLevel | undefined;
  /** Estimated value in cents when the intent completes. */
  estimateValue?: (params: z.output<Schema>, settings: ValueEstimatorSettings) => number;
}

/** Declare one intent type. The generic keeps params fully typed for agents. */
export function defineIntentType<const Name extends string, Schema extends z.ZodType>(
  def: IntentTypeDefinition<Name, Schema>,
): IntentTypeDefinition<Name, Schema> {
  const dot = def.name.indexOf(".");
  if (dot <= 0 || dot === def.name.length - 1 || def.name.indexOf(".", dot + 1) !== -1) {
    throw new TypeError(`Intent type name must be "domain.action": ${def.name}`);
  }
  return Object.freeze(def);
}

/** A whole domain: its name and its intent types keyed by action. */
export interface DomainDefinition<
  Name extends string = string,
  Types extends Record<string, IntentTypeDefinition> = Record<string, IntentTypeDefinition>,
> {
  name: Name;
  description: string;
  types: Types;
}

/**
 * Declare a domain. Every type's name must start with `<domain>.`.
 * @example defineDomain({ name: "billing", description: "…", types: { send_invoice: sendInvoice } })
 */
export function defineDomain<
  const Name extends string,
  const Types extends Record<string, IntentTypeDefinition>,
>(def: DomainDefinition<Name, Types>): DomainDefinition<Name, Types> {
  for (const [action, type] of Object.entries(def.types)) {
    if (type.name !== `${def.name}.${action}`) {
      throw new TypeError(`Domain ${def.name}: key "${action}" holds type ${type.name}`);
    }
  }
  return Object.freeze(def);
}
