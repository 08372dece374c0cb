import { defineDomain } from "@intendedops/core";
import {
  applyCreditType,
  cancelSubscriptionType,
  collectPaymentType,
  generateStatementType,
  processDunningType,
  processRefundType,
  reconcilePaymentsType,
  retryPaymentType,
  sendInvoiceType,
  updateSubscriptionType,
} from "./intent-types";

/** The billing domain: invoice, payment, subscription management. */
export const billingDomain = defineDomain({
  name: "billing",
  description: "Invoice, payment, subscription management",
  types: {
    send_invoice: sendInvoiceType,
    collect_payment: collectPaymentType,
    process_refund: processRefundType,
    update_subscription: updateSubscriptionType,
    apply_credit: applyCreditType,
    generate_statement: generateStatementType,
    retry_payment: retryPaymentType,
    cancel_subscription: cancelSubscriptionType,
    process_dunning: processDunningType,
    reconcile_payments: reconcilePaymentsType,
  },
});

export type BillingDomain = typeof billingDomain;
/** Every billing intent type name, e.g. `billing.send_invoice`. */
export type BillingTypeName = `billing.${keyof BillingDomain["types"]}`;
