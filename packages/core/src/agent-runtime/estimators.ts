import type { ValueEstimatorSettings } from "../catalog/intent-type";
import { VALUE_CURRENCY } from "../value/money";

/**
 * Estimator settings with the optional per-type cost-savings table domain packages read.
 * (`ValueEstimatorSettings` has the risk-mitigation table; cost savings follow the same shape.)
 */
export type DomainEstimatorSettings = ValueEstimatorSettings & {
  costSavingsCents?: Readonly<Record<string, number>>;
};

/** A money amount in major units (99.99) as integer cents (9999). No currency conversion. */
export function revenueCents(amount: number): number {
  // 1.005 * 100 is 100.49999999999999 in binary floating point; fixing to 4 places first
  // rounds the decimal amount the caller wrote, not its binary approximation.
  return Math.round(Number((amount * 100).toFixed(4)));
}

/**
 * A revenue estimate in US cents for an amount in `currency`'s major unit: the amount in cents when
 * the currency is USD, else 0 — no estimate, so nothing is recorded. Counting 250 EUR as $250, or
 * 5,000 JPY as $5,000, would mix currencies in one total; an agent that knows the dollar value
 * reports it (`value.cents` on completion).
 */
export function usdRevenueCents(amount: number, currency: string): number {
  return currency === VALUE_CURRENCY ? revenueCents(amount) : 0;
}

/** The value of minutes of human work saved, priced at the configured hourly rate. */
export function efficiencyCents(
  minutesSaved: number,
  settings: Pick<ValueEstimatorSettings, "hourlyRateCents">,
) {
  return Math.round((minutesSaved * settings.hourlyRateCents) / 60);
}

/** The configured risk-mitigation value of a type, or the type's own default. */
export function riskMitigationCents(
  settings: ValueEstimatorSettings,
  typeName: string,
  fallbackCents: number,
) {
  return settings.riskMitigationCents[typeName] ?? fallbackCents;
}

/** The configured cost-savings value of a type (`costSavingsCents`), or the type's own default. */
export function costSavingsCents(settings: DomainEstimatorSettings, typeName: string, fallbackCents: number) {
  return settings.costSavingsCents?.[typeName] ?? fallbackCents;
}
