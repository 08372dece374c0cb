import { createAgentsService } from "./agents-service";
import { createApprovalsService } from "./approvals-service";
import { createAuditService } from "./audit-service";
import { createGovernorContext } from "./governor-context";
import type { Governor, GovernorOptions } from "./governor-types";
import { createIntentionsService } from "./intentions-service";
import { createIntentsService } from "./intents-service";
import { createOutcomesService } from "./outcomes-service";
import { createPoliciesService } from "./policies-service";
import { createStatsService } from "./stats-service";

/**
 * The intent lifecycle, written once against the StoragePort: the same governor runs embedded
 * (in-memory store) and inside the API (Kysely store). Every state change commits its rows,
 * audit events, outbox events, trust changes and value records in one transaction.
 * @example
 * const governor = createGovernor({ store: createMemoryStore(), catalog: createCatalog([billingDomain]) });
 * const agent = await governor.registerAgent(actor, { name: "Billing Agent", domains: ["billing"] });
 */
export function createGovernor(options: GovernorOptions): Governor {
  const ctx = createGovernorContext(options);
  return {
    ...createAgentsService(ctx),
    ...createIntentsService(ctx),
    ...createOutcomesService(ctx),
    ...createApprovalsService(ctx),
    ...createPoliciesService(ctx),
    ...createIntentionsService(ctx),
    ...createAuditService(ctx),
    ...createStatsService(ctx),
  };
}
