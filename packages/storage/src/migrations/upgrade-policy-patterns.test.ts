import {
  type Actor,
  createCatalog,
  createGovernor,
  defineDomain,
  defineIntentType,
  type Governor,
} from "@intendedops/core";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DIALECTS, randomSuffix, type TestStore } from "../test-fixtures";

/**
 * Upgrade regression: policies stored before `matches` patterns ran on re2js may hold lookaround
 * or backreferences, which no longer compile. After an upgrade every submission of such a tenant,
 * whatever its type, answered VALIDATION_ERROR about a pattern the caller never sent.
 */

const catalog = createCatalog([
  defineDomain({
    name: "billing",
    description: "Invoices and payments",
    types: {
      send_invoice: defineIntentType({
        name: "billing.send_invoice",
        description: "Generate and send invoice",
        valueCategory: "efficiency",
        intentClass: "lookup",
        defaultRisk: "low",
        params: z.object({ customerId: z.string().min(1), amount: z.number().positive() }),
      }),
      collect_payment: defineIntentType({
        name: "billing.collect_payment",
        description: "Process payment collection",
        valueCategory: "revenue",
        intentClass: "lookup",
        defaultRisk: "low",
        params: z.object({ customerId: z.string().min(1), amount: z.number().positive() }),
      }),
    },
  }),
]);

/** A policy document exactly as a server of 22 November to 7 December stored it (read from its database). */
function oldPolicyDocument(id: string, tenantId: string, mode: "enforce" | "shadow") {
  return JSON.stringify({
    name: "non-vip collections need approval",
    enabled: true,
    mode,
    effect: "require_approval",
    match: {
      types: ["billing.collect_payment"],
      params: { field: "customerId", op: "matches", value: "^(?!vip_)cust_" },
    },
    id,
    tenantId,
    version: 1,
    createdAt: "2026-12-07T14:54:38.432Z",
    updatedAt: "2026-12-07T14:54:38.432Z",
  });
}

describe.each(DIALECTS)(
  "upgrade: stored policies whose pattern no longer compiles, on %s",
  (_dialect, open) => {
    let ctx: TestStore;
    let governor: Governor;

    beforeAll(async () => {
      ctx = await open();
      governor = createGovernor({ store: ctx.store, catalog, metrics: false });
    });
    afterAll(async () => {
      await ctx?.dispose();
    });

    async function tenantWithOldPolicy(mode: "enforce" | "shadow") {
      const tenantId = `t-old-pattern-${randomSuffix()}`;
      const actor: Actor = { id: "key_agent", tenantId };
      await ctx.store.transaction((tx) => tx.tenants.ensure(tenantId));
      await governor.registerAgent(actor, { name: "Billing Agent", domains: ["billing"] });
      const policyId = `pol_old_${randomSuffix()}`;
      // As the old server wrote it: the document, and the tenant's policy revision moved.
      await sql`insert into policies (id, tenant_id, document, created_at)
      values (${policyId}, ${tenantId}, ${oldPolicyDocument(policyId, tenantId, mode)}, ${"2026-12-07T14:54:38.432Z"})`.execute(
        ctx.store.db,
      );
      await sql`insert into tenant_revisions (tenant_id, kind, revision) values (${tenantId}, ${"policies"}, ${1})`.execute(
        ctx.store.db,
      );
      return { actor, policyId };
    }

    const submit = (actor: Actor, type: string) =>
      governor.submit(actor, {
        type,
        agentId: "billing-agent",
        params: { customerId: "cust_1", amount: 10 },
      });

    it("decides the intents the policy does not cover, as before the upgrade", async () => {
      const { actor } = await tenantWithOldPolicy("enforce");
      const result = await submit(actor, "billing.send_invoice");
      expect(result.intent.status).toBe("approved");
    });

    it("refuses the intents the policy covers with INVALID_STATE naming it, recording nothing", async () => {
      const { actor, policyId } = await tenantWithOldPolicy("enforce");
      const refused = await submit(actor, "billing.collect_payment").catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: "INVALID_STATE", details: { policyId } });
      expect((refused as Error).message).toContain(`(${policyId}) can no longer be evaluated`);
      expect((await governor.listIntents(actor.tenantId)).total).toBe(0);
    });

    it("counts a shadow policy with such a pattern as unmatched and says why in the trace", async () => {
      const { actor, policyId } = await tenantWithOldPolicy("shadow");
      const result = await submit(actor, "billing.collect_payment");
      expect(result.intent.status).toBe("approved");
      const entry = result.intent.decision.trace.find((e) => e.rule.includes(policyId));
      expect(entry).toMatchObject({ matched: false, why: expect.stringContaining("Not evaluated") });
    });

    it("lets the policy be rewritten, after which it decides again", async () => {
      const { actor, policyId } = await tenantWithOldPolicy("enforce");
      await governor.updatePolicy({ ...actor, id: "key_policy" }, policyId, {
        name: "non-vip collections need approval",
        effect: "require_approval",
        match: {
          types: ["billing.collect_payment"],
          params: { not: { field: "customerId", op: "matches", value: "^vip_" } },
        },
      });
      expect((await submit(actor, "billing.collect_payment")).intent.status).toBe("pending");
    });
  },
);
