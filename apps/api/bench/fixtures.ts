import { billingFixtures } from "@intendedops/billing-agent";
import { complianceFixtures } from "@intendedops/compliance-agent";
import { contractsFixtures } from "@intendedops/contracts-agent";
import { identityFixtures } from "@intendedops/identity-agent";
import { salesFixtures } from "@intendedops/sales-agent";
import { supportFixtures } from "@intendedops/support-agent";
import { vendorsFixtures } from "@intendedops/vendors-agent";

/** Every built-in intent type's params fixtures, by type name: the benchmarks' submissions. */
export const ALL_FIXTURES = {
  ...billingFixtures,
  ...supportFixtures,
  ...salesFixtures,
  ...complianceFixtures,
  ...vendorsFixtures,
  ...contractsFixtures,
  ...identityFixtures,
} as Record<string, { valid: Record<string, unknown> }>;
