export {
  type CompiledCondition,
  compileCondition,
  MAX_CONDITION_DEPTH,
  MAX_PATTERN_LENGTH,
} from "./condition-compiler";
export type {
  Decision,
  EvaluationAgent,
  EvaluationIntent,
  IntentionMatch,
  IntentionMatcher,
} from "./evaluation-types";
export { compileGlob, compileGlobList, globDomain, matchesGlob, type StringTest } from "./glob";
export {
  type CompiledPolicies,
  type CompiledPolicy,
  compilePolicies,
  compilePolicy,
  type PolicyTraceEntries,
} from "./policy-compiler";
export { type EvaluationContext, evaluate } from "./policy-evaluator";
export {
  CONDITION_OPS,
  ComparisonSchema,
  type Condition,
  ConditionSchema,
  MATCH_LIST_LIMITS,
  MAX_POLICIES_PER_TENANT,
  type Policy,
  type PolicyInput,
  PolicyInputSchema,
  type PolicyMatch,
  PolicyMatchSchema,
  PolicySchema,
} from "./policy-schema";
