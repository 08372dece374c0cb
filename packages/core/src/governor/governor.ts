import { CreateIntentInputSchema } from "../model/intent";
import { compiledCheckOf } from "../validation/compiled-check";
import { createAgentsService } from "./agents-service";
import { createApprovalsService } from "./approvals-service";
import { createAuditService } from "./audit-service";
import { createGovernorContext } from "./governor-context";
import { CompleteIntentInputSchema, FailIntentInputSchema } from "./governor-inputs";
import type { Governor, GovernorOptions } from "./governor-types";
import { createIntentionsService } from "./intentions-service";
import { createIntentsService } from "./intents-service";
import { createOutcomesService } from "./outcomes-service";
import { createPoliciesService } from "./policies-service";
import { createStatsService } from "./stats-service";

/** The bodies of the requests every agent sends: compiled with the governor, not on first use. */
const HOT_REQUEST_BODIES = [CreateIntentInputSchema, CompleteIntentInputSchema, FailIntentInputSchema];

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
  for (const schema of HOT_REQUEST_BODIES) compiledCheckOf(schema);
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
