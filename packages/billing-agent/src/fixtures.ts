import type { ParamsFixture } from "@intendedops/core";
import type { BillingTypeName } from "./domain";

/**
 * One valid and one invalid params example per billing intent type, for this package's
 * tests and the API's. `send_invoice`'s valid example is the guide's, verbatim.
 */
export const billingFixtures: Record<BillingTypeName, ParamsFixture> = {
  "billing.send_invoice": {
    valid: { customerId: "cust_123", amount: 99.99 },
    invalid: { customerId: "cust_123", amount: -5 },
    invalidField: "amount",
  },
  "billing.collect_payment": {
    valid: { customerId: "cust_123", amount: 250, currency: "EUR", invoiceId: "inv_881" },
    invalid: { customerId: "cust_123", amount: 250, currency: "euro" },
    invalidField: "currency",
  },
  "billing.process_refund": {
    valid: { customerId: "cust_123", paymentId: "pay_456", amount: 49.5, reason: "duplicate" },
    invalid: { customerId: "cust_123", paymentId: "pay_456", amount: 49.5, reason: "because" },
    invalidField: "reason",
  },
  "billing.update_subscription": {
    valid: { subscriptionId: "sub_77", planId: "plan_pro", quantity: 12, amountChange: 120 },
    invalid: { subscriptionId: "sub_77", planId: "plan_pro", quantity: 1.5 },
    invalidField: "quantity",
  },
  "billing.apply_credit": {
    valid: { customerId: "cust_123", amount: 25, reason: "Outage on 2026-01-12" },
    invalid: { customerId: "cust_123", amount: 25 },
    invalidField: "reason",
  },
  "billing.generate_statement": {
    valid: { customerId: "cust_123", periodStart: "2026-01-01", periodEnd: "2026-01-31" },
    invalid: { customerId: "cust_123", periodStart: "2026-01-01", periodEnd: "31/01/2026" },
    invalidField: "periodEnd",
  },
  "billing.retry_payment": {
    valid: { paymentId: "pay_456", amount: 99.99, attempt: 2 },
    invalid: { paymentId: "", amount: 99.99 },
    invalidField: "paymentId",
  },
  "billing.cancel_subscription": {
    valid: { subscriptionId: "sub_77", effective: "end_of_period", reason: "Customer request" },
    invalid: { subscriptionId: "sub_77", effective: "tomorrow" },
    invalidField: "effective",
  },
  "billing.process_dunning": {
    valid: { invoiceId: "inv_881", customerId: "cust_123", amount: 420, daysOverdue: 14, action: "reminder" },
    invalid: { invoiceId: "inv_881", customerId: "cust_123", amount: 420, daysOverdue: 0 },
    invalidField: "daysOverdue",
  },
  "billing.reconcile_payments": {
    valid: { periodStart: "2026-01-01", periodEnd: "2026-01-31", provider: "stripe" },
    invalid: { periodStart: "2026-01-01", periodEnd: "2026-01-31", provder: "stripe" },
    invalidField: "provder",
  },
};
