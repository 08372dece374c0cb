import {
  createDomainAgent,
  type DomainAgent,
  type DomainAgentOptions,
  type DomainHandlers,
} from "@intendedops/core";
import { type VendorsDomain, vendorsDomain } from "./domain";

/** Handlers a vendors agent may implement: `onboardVendor`, `terminateVendor`, `renewContract`, … */
export type VendorsHandlers = DomainHandlers<VendorsDomain>;
export type VendorsAgent<H extends VendorsHandlers = VendorsHandlers> = DomainAgent<VendorsDomain, H>;

/**
 * A governed vendors agent: `agent.onboardVendor(params)` validates, submits the intent,
 * waits for approval when needed and runs `handlers.onboardVendor` only when allowed.
 * @example const agent = createVendorsAgent({ governance, agentId: "vendors-agent", handlers: { onboardVendor } });
 */
export function createVendorsAgent<H extends VendorsHandlers>(
  options: DomainAgentOptions<VendorsDomain, H>,
): VendorsAgent<H> {
  return createDomainAgent(vendorsDomain, options);
}
