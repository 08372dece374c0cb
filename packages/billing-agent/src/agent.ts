import {
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
} from "@intendedops/core";
import { type BillingDomain, billingDomain } from "./domain";

/** Handlers a billing agent may implement: `sendInvoice`, `collectPayment`, `processRefund`, … */
export type BillingHandlers = DomainHandlers<BillingDomain>;
export type BillingAgent<H extends BillingHandlers = BillingHandlers> = DomainAgent<BillingDomain, H>;

/**
 * A governed billing agent: `agent.sendInvoice(params)` validates, submits the intent,
 * waits for approval when needed and runs `handlers.sendInvoice` only when allowed.
 * @example const agent = createBillingAgent({ governance, agentId: "billing-agent", handlers: { sendInvoice } });
 */
export function createBillingAgent<H extends BillingHandlers>(
  options: DomainAgentOptions<BillingDomain, H>,
): BillingAgent<H> {
  return createDomainAgent(billingDomain, options);
}
