export {
  ApprovalTimeoutError,
  CompletionReportError,
  HandlerFailedError,
  IntentAlreadyHandledError,
  IntentBlockedError,
  IntentExpiredError,
  IntentNotExecutedError,
  IntentRejectedError,
  MissingHandlerError,
} from "./agent-errors";
export {
  DEFAULT_WAIT_OPTIONS,
  sleep,
  type WaitOptions,
  type WaitOutcome,
  waitForDecision,
} from "./approval-wait";
export {
  type AgentDecision,
  type AgentDefaults,
  type AgentMethod,
  type CallOptions,
  type CompletedCall,
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
  type HandlerContext,
  type HandlerParams,
  type MethodName,
  type MethodParams,
  type PendingCall,
} from "./domain-agent";
export {
  type EmbeddedActor,
  type EmbeddedGovernanceOptions,
  type EmbeddedGovernor,
  embeddedGovernance,
  statusReport,
  summarizeDecision,
} from "./embedded-governance";
export {
  costSavingsCents,
  type DomainEstimatorSettings,
  efficiencyCents,
  revenueCents,
  riskMitigationCents,
  usdRevenueCents,
} from "./estimators";
export type {
  BackendCallOptions,
  CompletionReport,
  DecisionSummary,
  FailureReport,
  GovernanceBackend,
  IntentStatusReport,
  SubmittedIntent,
} from "./governance-backend";
export { type CamelCase, camelCase } from "./method-names";
export {
  amountField,
  currencyField,
  dateField,
  dateOrderOk,
  emailField,
  idField,
  type ParamsFixture,
  textField,
  urlField,
} from "./param-fields";
export { type AmountRiskLimits, riskForAmount } from "./risk-escalation";
