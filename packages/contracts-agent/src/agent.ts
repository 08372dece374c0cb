import {
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
} from "@intendedops/core";
import { type ContractsDomain, contractsDomain } from "./domain";

/** Handlers a contracts agent may implement: `sendForSignature`, `autoRenew`, `extractTerms`, … */
export type ContractsHandlers = DomainHandlers<ContractsDomain>;
export type ContractsAgent<H extends ContractsHandlers = ContractsHandlers> = DomainAgent<ContractsDomain, H>;

/**
 * A governed contracts agent: `agent.sendForSignature(params)` validates, submits the intent,
 * waits for approval when needed and runs `handlers.sendForSignature` only when allowed.
 * @example const agent = createContractsAgent({ governance, agentId: "contracts-agent", handlers: { sendForSignature } });
 */
export function createContractsAgent<H extends ContractsHandlers>(
  options: DomainAgentOptions<ContractsDomain, H>,
): ContractsAgent<H> {
  return createDomainAgent(contractsDomain, options);
}
