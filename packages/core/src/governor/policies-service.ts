import { canonicalJson } from "../audit/canonical-json";
import { IntendedOpsError } from "../errors";
import { newId } from "../ids";
import { compilePolicy } from "../policy/policy-compiler";
import { type Policy, type PolicyInput, PolicyInputSchema } from "../policy/policy-schema";
import { parseWithSchema } from "../validation/compiled-check";
import { type GovernorContext, notFound, writeTransaction } from "./governor-context";
import type { Actor } from "./governor-types";

/**
 * Policy CRUD. Each write bumps the store's policy revision in the same transaction, which is
 * what tells every governor's rules cache to recompile before the next decision.
 */
export function createPoliciesService(ctx: GovernorContext) {
  async function createPolicy(actor: Actor, input: PolicyInput): Promise<Policy> {
    const body = parsePolicyInput(input);
    return writeTransaction(ctx, actor, async (scope) => {
      const policy: Policy = {
        ...body,
        id: newId("policy", scope.now),
        tenantId: scope.tenantId,
        version: 1,
        createdAt: scope.at,
        updatedAt: scope.at,
      };
      // Compiling now rejects what evaluation could not use (bad regex, too deep) at write time.
      compilePolicy(policy);
      await scope.tx.policies.insert(policy);
      // Counted after the insert: the insert moved the tenant's policy revision, which holds that
      // row until commit, so a concurrent create waits here and then counts this policy too.
      const policies = scope.tx.policies;
      const total = policies.count
        ? await policies.count(scope.tenantId)
        : (await policies.list(scope.tenantId)).length;
      if (total > ctx.maxPoliciesPerTenant) {
        throw new IntendedOpsError(
          "CONFLICT",
          `This tenant already holds ${ctx.maxPoliciesPerTenant} policies, the most it may; delete or merge one first`,
          { limit: ctx.maxPoliciesPerTenant },
        );
      }
      scope.audit({ eventType: "policy.created", data: { policyId: policy.id, version: 1, policy: body } });
      return policy;
    });
  }

  async function updatePolicy(actor: Actor, id: string, input: PolicyInput): Promise<Policy> {
    const body = parsePolicyInput(input);
    return writeTransaction(ctx, actor, async (scope) => {
      const existing = await scope.tx.policies.get(scope.tenantId, id, { forUpdate: true });
      if (!existing) throw notFound("Policy", id);
      // PUT is idempotent: sending the stored policy again (a client's retry after a lost answer)
      // makes no new version and no audit event.
      if (sameInput(existing, body)) return existing;
      const policy: Policy = {
        ...body,
        id,
        tenantId: scope.tenantId,
        version: existing.version + 1,
        createdAt: existing.createdAt,
        updatedAt: scope.at,
      };
      compilePolicy(policy);
      await scope.tx.policies.update(policy);
      scope.audit({
        eventType: "policy.updated",
        data: { policyId: id, version: policy.version, previousVersion: existing.version, policy: body },
      });
      return policy;
    });
  }

  async function deletePolicy(actor: Actor, id: string): Promise<Policy> {
    return writeTransaction(ctx, actor, async (scope) => {
      const existing = await scope.tx.policies.get(scope.tenantId, id, { forUpdate: true });
      if (!existing || !(await scope.tx.policies.delete(scope.tenantId, id))) throw notFound("Policy", id);
      scope.audit({
        eventType: "policy.deleted",
        data: { policyId: id, version: existing.version, name: existing.name },
      });
      return existing;
    });
  }

  function listPolicies(tenantId: string): Promise<Policy[]> {
    return ctx.store.read((tx) => tx.policies.list(tenantId));
  }

  async function getPolicy(tenantId: string, id: string): Promise<Policy> {
    const policy = await ctx.store.read((tx) => tx.policies.get(tenantId, id));
    if (!policy) throw notFound("Policy", id);
    return policy;
  }

  return { createPolicy, updatePolicy, deletePolicy, listPolicies, getPolicy };
}

/** Whether a PUT body states exactly the policy already stored (absent and null fields alike). */
function sameInput(existing: Policy, body: object): boolean {
  const stored = existing as Record<string, unknown>;
  const sent = body as Record<string, unknown>;
  return Object.keys(PolicyInputSchema.shape).every(
    (key) => canonicalJson(stored[key] ?? null) === canonicalJson(sent[key] ?? null),
  );
}

/**
 * The policy body, checked. `approval` (how many humans, how long) only means something on a
 * `require_approval` policy; on `allow` or `block` it was stored and silently ignored, so a policy
 * an operator believed to need two approvers simply allowed or blocked.
 */
function parsePolicyInput(input: PolicyInput) {
  const body = parseWithSchema(PolicyInputSchema, input);
  if (body.approval !== undefined && body.effect !== "require_approval") {
    const message = `approval applies only to require_approval policies; this one has effect ${body.effect}`;
    throw new IntendedOpsError("VALIDATION_ERROR", message, [{ path: ["approval"], message }]);
  }
  return body;
}
