import {
  amountField,
  currencyField,
  dateField,
  dateOrderOk,
  defineIntentType,
  efficiencyCents,
  idField,
  revenueCents,
  riskForAmount,
  textField,
  usdRevenueCents,
} from "@intendedops/core";
import { z } from "zod";
import { BILLING_THRESHOLDS as T } from "./risk-thresholds";
import { BILLING_MINUTES_SAVED as MINUTES } from "./value-defaults";

const paymentLimits = { highAbove: T.paymentHighAbove, criticalAbove: T.paymentCriticalAbove };

export const sendInvoiceType = defineIntentType({
  name: "billing.send_invoice",
  description: "Generate and send invoice",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      customerId: idField("Customer to invoice, e.g. cust_123"),
      amount: amountField("Invoice total in the currency's major unit, e.g. 99.99"),
      currency: currencyField(),
      dueDate: dateField("Payment due date (YYYY-MM-DD)").optional(),
      memo: textField("Note printed on the invoice", 500).optional(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.amount, { highAbove: T.invoiceHighAbove }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.send_invoice, settings),
});

export const collectPaymentType = defineIntentType({
  name: "billing.collect_payment",
  description: "Process payment collection",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      customerId: idField("Customer to charge"),
      amount: amountField("Amount to collect in the currency's major unit"),
      currency: currencyField(),
      invoiceId: idField("Invoice the payment settles").optional(),
      paymentMethodId: idField("Stored payment method to charge; the default method when omitted").optional(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.amount, paymentLimits),
  estimateValue: (p) => usdRevenueCents(p.amount, p.currency),
});

export const REFUND_REASONS = [
  "duplicate",
  "fraudulent",
  "requested_by_customer",
  "service_issue",
  "other",
] as const;

export const processRefundType = defineIntentType({
  name: "billing.process_refund",
  description: "Issue refund to customer",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "high",
  params: z
    .object({
      customerId: idField("Customer receiving the refund"),
      paymentId: idField("Payment being refunded"),
      amount: amountField("Amount to refund in the currency's major unit"),
      currency: currencyField(),
      reason: z.enum(REFUND_REASONS).describe("Why the money goes back"),
      note: textField("Internal note for the approver", 1_000).optional(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.amount, { criticalAbove: T.refundCriticalAbove }),
});

export const updateSubscriptionType = defineIntentType({
  name: "billing.update_subscription",
  description: "Modify subscription plan",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      subscriptionId: idField("Subscription to change"),
      planId: idField("Plan to move the subscription to"),
      quantity: z.number().int().positive().optional().describe("Seats or units on the new plan"),
      prorate: z.boolean().default(true).describe("Charge or credit the difference for the current period"),
      effectiveDate: dateField("When the change takes effect (YYYY-MM-DD); now when omitted").optional(),
      amountChange: z
        .number()
        .optional()
        .describe("Change of the recurring amount per period in major units; negative for a downgrade"),
    })
    .strict(),
  estimateValue: (p) => Math.max(0, revenueCents(p.amountChange ?? 0)),
});

export const applyCreditType = defineIntentType({
  name: "billing.apply_credit",
  description: "Apply credit to account",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "high",
  params: z
    .object({
      customerId: idField("Customer whose account is credited"),
      amount: amountField("Credit in the currency's major unit"),
      currency: currencyField(),
      reason: textField("Why the customer gets the credit", 1_000),
      expiresOn: dateField("Date the unused credit lapses (YYYY-MM-DD)").optional(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.amount, { criticalAbove: T.creditCriticalAbove }),
});

export const STATEMENT_FORMATS = ["pdf", "csv", "html"] as const;

export const generateStatementType = defineIntentType({
  name: "billing.generate_statement",
  description: "Create account statement",
  valueCategory: "efficiency",
  intentClass: "reporting",
  defaultRisk: "low",
  params: z
    .object({
      customerId: idField("Customer the statement covers"),
      periodStart: dateField("First day of the statement period (YYYY-MM-DD)"),
      periodEnd: dateField("Last day of the statement period (YYYY-MM-DD)"),
      format: z.enum(STATEMENT_FORMATS).default("pdf").describe("Output format"),
    })
    .strict()
    .refine((p) => dateOrderOk(p.periodStart, p.periodEnd), {
      path: ["periodEnd"],
      message: "periodEnd must not be before periodStart",
    }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.generate_statement, settings),
});

export const retryPaymentType = defineIntentType({
  name: "billing.retry_payment",
  description: "Retry failed payment",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      paymentId: idField("The failed payment to retry"),
      amount: amountField("Amount of the retried charge in the currency's major unit"),
      currency: currencyField(),
      paymentMethodId: idField("Charge this method instead of the original one").optional(),
      attempt: z.number().int().min(1).max(10).optional().describe("Retry number (1 for the first retry)"),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.amount, paymentLimits),
  estimateValue: (p) => usdRevenueCents(p.amount, p.currency),
});

export const CANCELLATION_TIMINGS = ["immediately", "end_of_period"] as const;

export const cancelSubscriptionType = defineIntentType({
  name: "billing.cancel_subscription",
  description: "Cancel customer subscription",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "high",
  params: z
    .object({
      subscriptionId: idField("Subscription to cancel"),
      customerId: idField("Customer owning the subscription").optional(),
      effective: z
        .enum(CANCELLATION_TIMINGS)
        .default("end_of_period")
        .describe("Cancel now or when the paid period ends"),
      reason: textField("Why the subscription is cancelled", 1_000).optional(),
      refundUnusedTime: z.boolean().default(false).describe("Refund the unused part of the current period"),
    })
    .strict(),
});

export const DUNNING_ACTIONS = [
  "reminder",
  "final_notice",
  "suspend_service",
  "send_to_collections",
] as const;

export const processDunningType = defineIntentType({
  name: "billing.process_dunning",
  description: "Handle overdue payments",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      invoiceId: idField("The overdue invoice"),
      customerId: idField("Customer who owes the amount"),
      amount: amountField("Overdue amount in the currency's major unit"),
      currency: currencyField(),
      daysOverdue: z.number().int().min(1).describe("Days since the due date"),
      action: z.enum(DUNNING_ACTIONS).default("reminder").describe("Dunning step to take"),
    })
    .strict(),
  escalateRisk: (p) =>
    p.action === "suspend_service" || p.action === "send_to_collections"
      ? "high"
      : riskForAmount(p.amount, { highAbove: T.dunningHighAbove }),
  estimateValue: (p) => usdRevenueCents(p.amount, p.currency),
});

export const reconcilePaymentsType = defineIntentType({
  name: "billing.reconcile_payments",
  description: "Reconcile payment records",
  valueCategory: "efficiency",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      periodStart: dateField("First day to reconcile (YYYY-MM-DD)"),
      periodEnd: dateField("Last day to reconcile (YYYY-MM-DD)"),
      provider: idField("Payment provider whose records are matched, e.g. stripe").optional(),
      accountId: idField("Ledger or bank account to reconcile against").optional(),
    })
    .strict()
    .refine((p) => dateOrderOk(p.periodStart, p.periodEnd), {
      path: ["periodEnd"],
      message: "periodEnd must not be before periodStart",
    }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.reconcile_payments, settings),
});

export type SendInvoiceParams = z.input<typeof sendInvoiceType.params>;
export type CollectPaymentParams = z.input<typeof collectPaymentType.params>;
export type ProcessRefundParams = z.input<typeof processRefundType.params>;
export type UpdateSubscriptionParams = z.input<typeof updateSubscriptionType.params>;
export type ApplyCreditParams = z.input<typeof applyCreditType.params>;
export type GenerateStatementParams = z.input<typeof generateStatementType.params>;
export type RetryPaymentParams = z.input<typeof retryPaymentType.params>;
export type CancelSubscriptionParams = z.input<typeof cancelSubscriptionType.params>;
export type ProcessDunningParams = z.input<typeof processDunningType.params>;
export type ReconcilePaymentsParams = z.input<typeof reconcilePaymentsType.params>;
