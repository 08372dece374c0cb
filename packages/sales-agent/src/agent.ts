import {
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
} from "@intendedops/core";
import { type SalesDomain, salesDomain } from "./domain";

/** Handlers a sales agent may implement: `createLead`, `createOpportunity`, `sendProposal`, … */
export type SalesHandlers = DomainHandlers<SalesDomain>;
export type SalesAgent<H extends SalesHandlers = SalesHandlers> = DomainAgent<SalesDomain, H>;

/**
 * A governed sales agent: each method validates, submits the intent, waits for approval
 * when needed and runs your handler only when allowed.
 * @example const agent = createSalesAgent({ governance, agentId: "sales-agent", handlers: { createOpportunity } });
 */
export function createSalesAgent<H extends SalesHandlers>(
  options: DomainAgentOptions<SalesDomain, H>,
): SalesAgent<H> {
  return createDomainAgent(salesDomain, options);
}
