export {
  centsToDollars,
  dollarsToCents,
  estimateCents,
  MAX_VALUE_CENTS,
  VALUE_CURRENCY,
} from "./money";
export { rollupValue, type ValueRollup } from "./value-rollup";
