import { compileIntentions } from "../intentions/intention-matcher";
import type { IntentionMatcher } from "../policy/evaluation-types";
import { type CompiledPolicies, recompilePolicies } from "../policy/policy-compiler";
import type { StoreTx } from "../storage/storage-port";

/** A tenant's compiled policies and intentions, as of the revisions they were compiled at. */
export interface TenantRules {
  policies: CompiledPolicies;
  intentions: IntentionMatcher;
}

interface Compiled<T> {
  revision: number;
  value: T;
}

/** Compiled rules per tenant, recompiled only when the store reports a new revision. */
export interface RulesCache {
  load(tx: StoreTx, tenantId: string): Promise<TenantRules>;
}

/** Tenants kept compiled; the least recently compiled is dropped beyond this. */
const DEFAULT_MAX_TENANTS = 10_000;

/**
 * One read of both revisions per call (two where the store has no `rulesRevisions`); `list` +
 * compile only when a revision moved, and then only the policies that changed. The revision is
 * read before the list, so a concurrent change can only make the cached set newer than its key
 * (which the next call then recompiles), never older.
 */
export function createRulesCache(maxTenants = DEFAULT_MAX_TENANTS): RulesCache {
  const policies = new Map<string, Compiled<CompiledPolicies>>();
  const intentions = new Map<string, Compiled<IntentionMatcher>>();

  function remember<T>(cache: Map<string, Compiled<T>>, tenantId: string, entry: Compiled<T>): T {
    cache.delete(tenantId);
    cache.set(tenantId, entry);
    if (cache.size > maxTenants) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return entry.value;
  }

  return {
    async load(tx, tenantId) {
      const both = tx.policies.rulesRevisions ? await tx.policies.rulesRevisions(tenantId) : undefined;
      const policyRevision = both ? both.policies : await tx.policies.revision(tenantId);
      const cachedPolicies = policies.get(tenantId);
      const compiledPolicies =
        cachedPolicies?.revision === policyRevision
          ? cachedPolicies.value
          : remember(policies, tenantId, {
              revision: policyRevision,
              // Policies that did not change since the cached set keep their compiled form.
              value: recompilePolicies(await tx.policies.list(tenantId), cachedPolicies?.value),
            });

      const intentionRevision = both ? both.intentions : await tx.intentions.revision(tenantId);
      const cachedIntentions = intentions.get(tenantId);
      const compiledIntentions =
        cachedIntentions?.revision === intentionRevision
          ? cachedIntentions.value
          : remember(intentions, tenantId, {
              revision: intentionRevision,
              value: compileIntentions(await tx.intentions.list(tenantId)),
            });

      return { policies: compiledPolicies, intentions: compiledIntentions };
    },
  };
}
