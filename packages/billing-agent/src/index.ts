export { type BillingAgent, type BillingHandlers, createBillingAgent } from "./agent";
export { type BillingDomain, type BillingTypeName, billingDomain } from "./domain";
export { billingFixtures } from "./fixtures";
export {
  type ApplyCreditParams,
  applyCreditType,
  CANCELLATION_TIMINGS,
  type CancelSubscriptionParams,
  type CollectPaymentParams,
  cancelSubscriptionType,
  collectPaymentType,
  DUNNING_ACTIONS,
  type GenerateStatementParams,
  generateStatementType,
  type ProcessDunningParams,
  type ProcessRefundParams,
  processDunningType,
  processRefundType,
  REFUND_REASONS,
  type ReconcilePaymentsParams,
  type RetryPaymentParams,
  reconcilePaymentsType,
  retryPaymentType,
  type SendInvoiceParams,
  STATEMENT_FORMATS,
  sendInvoiceType,
  type UpdateSubscriptionParams,
  updateSubscriptionType,
} from "./intent-types";
export { BILLING_THRESHOLDS } from "./risk-thresholds";
export { BILLING_MINUTES_SAVED } from "./value-defaults";
