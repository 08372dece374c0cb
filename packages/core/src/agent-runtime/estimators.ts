import type { ValueEstimatorSettings } from "../catalog/intent-type";

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
