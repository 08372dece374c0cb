import { billingDomain } from "@intendedops/billing-agent";
import { complianceDomain } from "@intendedops/compliance-agent";
import { contractsDomain } from "@intendedops/contracts-agent";
import { type Catalog, type CatalogOptions, createCatalog } from "@intendedops/core";
import { identityDomain } from "@intendedops/identity-agent";
import { salesDomain } from "@intendedops/sales-agent";
import { supportDomain } from "@intendedops/support-agent";
import { vendorsDomain } from "@intendedops/vendors-agent";

/** The seven domains of the guide, in its order. */
export const DOMAINS = [
  billingDomain,
  supportDomain,
  salesDomain,
  complianceDomain,
  vendorsDomain,
  contractsDomain,
  identityDomain,
] as const;

/** The catalog the server accepts intents from: every intent type of the guide. */
export function createDomainCatalog(options: CatalogOptions = {}): Catalog {
  return createCatalog(DOMAINS, options);
}
