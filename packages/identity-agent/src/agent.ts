import {
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
} from "@intendedops/core";
import { type IdentityDomain, identityDomain } from "./domain";

/** Handlers an identity agent may implement: `provisionUser`, `deprovisionUser`, `assignRole`, … */
export type IdentityHandlers = DomainHandlers<IdentityDomain>;
export type IdentityAgent<H extends IdentityHandlers = IdentityHandlers> = DomainAgent<IdentityDomain, H>;

/**
 * A governed identity agent: `agent.deprovisionUser(params)` validates, submits the intent,
 * waits for approval when needed and runs `handlers.deprovisionUser` only when allowed.
 * @example const agent = createIdentityAgent({ governance, agentId: "identity-agent", handlers: { deprovisionUser } });
 */
export function createIdentityAgent<H extends IdentityHandlers>(
  options: DomainAgentOptions<IdentityDomain, H>,
): IdentityAgent<H> {
  return createDomainAgent(identityDomain, options);
}
