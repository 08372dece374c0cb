import {
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
} from "@intendedops/core";
import { type SupportDomain, supportDomain } from "./domain";

/** Handlers a support agent may implement: `createTicket`, `escalateTicket`, `sendResponse`, … */
export type SupportHandlers = DomainHandlers<SupportDomain>;
export type SupportAgent<H extends SupportHandlers = SupportHandlers> = DomainAgent<SupportDomain, H>;

/**
 * A governed support agent: each method validates, submits the intent, waits for approval
 * when needed and runs your handler only when allowed.
 * @example const agent = createSupportAgent({ governance, agentId: "support-agent", handlers: { escalateTicket } });
 */
export function createSupportAgent<H extends SupportHandlers>(
  options: DomainAgentOptions<SupportDomain, H>,
): SupportAgent<H> {
  return createDomainAgent(supportDomain, options);
}
