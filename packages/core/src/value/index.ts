export { centsToDollars, dollarsToCents } from "./money";
export { rollupValue, type ValueRollup } from "./value-rollup";
