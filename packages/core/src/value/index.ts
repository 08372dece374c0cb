export { centsToDollars, dollarsToCents, estimateCents, MAX_VALUE_CENTS } from "./money";
export { rollupValue, type ValueRollup } from "./value-rollup";
