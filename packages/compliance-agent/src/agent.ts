import {
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
} from "@intendedops/core";
import { type ComplianceDomain, complianceDomain } from "./domain";

/** Handlers a compliance agent may implement: `checkControl`, `processDsar`, `generateReport`, … */
export type ComplianceHandlers = DomainHandlers<ComplianceDomain>;
export type ComplianceAgent<H extends ComplianceHandlers = ComplianceHandlers> = DomainAgent<
  ComplianceDomain,
  H
>;

/**
 * A governed compliance agent: each method validates, submits the intent, waits for
 * approval when needed and runs your handler only when allowed.
 * @example const agent = createComplianceAgent({ governance, agentId: "compliance-agent", handlers: { processDsar } });
 */
export function createComplianceAgent<H extends ComplianceHandlers>(
  options: DomainAgentOptions<ComplianceDomain, H>,
): ComplianceAgent<H> {
  return createDomainAgent(complianceDomain, options);
}
