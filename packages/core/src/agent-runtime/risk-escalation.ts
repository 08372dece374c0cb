import type { RiskLevel } from "../model/enums";

/** Amount limits above which an intent's risk rises. */
export interface AmountRiskLimits {
  /** Strictly above this amount → at least high. */
  highAbove?: number;
  /** Strictly above this amount → critical. */
  criticalAbove?: number;
  /** Strictly above this amount → at least medium. */
  mediumAbove?: number;
}

/** The risk an amount calls for under the limits, or undefined when none is crossed. */
export function riskForAmount(amount: number | undefined, limits: AmountRiskLimits): RiskLevel | undefined {
  if (amount === undefined) return undefined;
  if (limits.criticalAbove !== undefined && amount > limits.criticalAbove) return "critical";
  if (limits.highAbove !== undefined && amount > limits.highAbove) return "high";
  if (limits.mediumAbove !== undefined && amount > limits.mediumAbove) return "medium";
  return undefined;
}
