import { describe, expect, it } from "vitest";
import { agentSlug } from "./agent-slug";
import {
  admin,
  agentKey,
  createHarness,
  OTHER_TENANT,
  outsider,
  registerBillingAgent,
  TENANT,
} from "./test-fixtures";

describe("agentSlug", () => {
  it("derives a lowercase dashed id when the name has spaces, punctuation and accents", () => {
    expect(agentSlug("Billing Agent")).toBe("billing-agent");
    expect(agentSlug("  --Crème Brûlée!! Bot 2 ")).toBe("creme-brulee-bot-2");
    expect(agentSlug("***")).toBe("");
  });

  it("keeps ids within 128 characters without a trailing dash when the name is long", () => {
    const slug = agentSlug(`${"a".repeat(127)} b`);
    expect(slug).toBe("a".repeat(127));
    expect(agentSlug("x".repeat(300))).toHaveLength(128);
  });
});

describe("governor agents", () => {
  it("registers at T0 with the slug id and announces agent.registered when no id is given", async () => {
    const { governor, notified } = createHarness();
    const agent = await registerBillingAgent(governor);
    expect(agent).toMatchObject({
      id: "billing-agent",
      name: "Billing Agent",
      description: "Handles billing operations",
      trustTier: "T0",
      trustScore: 100,
      recentOutcomes: [],
    });
    expect(notified).toMatchObject([
      {
        event: "agent.registered",
        tenantId: TENANT,
        data: {
          agentId: "billing-agent",
          name: "Billing Agent",
          domains: ["billing"],
          intentTypes: ["billing.*"],
          trustTier: "T0",
        },
      },
    ]);
    expect(await governor.getAgent(TENANT, "billing-agent")).toEqual(agent);
  });

  it("answers CONFLICT when the id is taken in the tenant, but not in another tenant", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    await expect(registerBillingAgent(governor)).rejects.toMatchObject({
      code: "CONFLICT",
      status: 409,
      message: "Agent already exists: billing-agent",
    });
    await expect(governor.registerAgent(outsider, { name: "Billing Agent" })).resolves.toMatchObject({
      id: "billing-agent",
      tenantId: OTHER_TENANT,
    });
    expect((await governor.queryAudit(TENANT, { eventType: "agent.registered" })).total).toBe(1);
  });

  it("uses the given id when one is supplied", async () => {
    const { governor } = createHarness();
    const agent = await governor.registerAgent(agentKey, { id: "invoicer-01", name: "Billing Agent" });
    expect(agent.id).toBe("invoicer-01");
  });

  it("answers VALIDATION_ERROR naming each field when domains or types are unknown", async () => {
    const { governor } = createHarness();
    await expect(
      governor.registerAgent(agentKey, {
        name: "Confused",
        domains: ["billing", "astrology"],
        intentTypes: ["billing.send_invoice", "billing.teleport", "astrology.*", "support.*"],
      }),
    ).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [
        { path: ["domains", 1], message: "Unknown domain: astrology" },
        { path: ["intentTypes", 1], message: "Unknown intent type: billing.teleport" },
        { path: ["intentTypes", 2], message: "Unknown intent type: astrology.*" },
      ],
    });
  });

  it("answers VALIDATION_ERROR when the name is missing or yields no id", async () => {
    const { governor } = createHarness();
    await expect(governor.registerAgent(agentKey, {} as never)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["name"], message: "Agent name is required" }],
    });
    await expect(governor.registerAgent(agentKey, { name: "!!!" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["name"] }],
    });
  });

  it("pages agents in registration order when listed", async () => {
    const { governor, advance } = createHarness();
    for (const name of ["One", "Two", "Three"]) {
      await governor.registerAgent(agentKey, { name });
      advance(1);
    }
    const page = await governor.listAgents(TENANT, { page: 2, pageSize: 2 });
    expect(page).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page.items.map((a) => a.id)).toEqual(["three"]);
    await expect(governor.getAgent(TENANT, "four")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("overrides trust with an audited reason and announces a tier change", async () => {
    const { governor, notified } = createHarness();
    await registerBillingAgent(governor);
    const agent = await governor.setTrust(admin, "billing-agent", { tier: "T3", reason: "benchmark" });
    expect(agent).toMatchObject({ trustTier: "T3", trustScore: 600 });
    expect(notified.at(-1)).toMatchObject({
      event: "agent.trust.changed",
      data: {
        agentId: "billing-agent",
        fromTier: "T0",
        toTier: "T3",
        fromScore: 100,
        toScore: 600,
        reason: "benchmark",
      },
    });
    const audit = await governor.queryAudit(TENANT, { eventType: "agent.trust.overridden" });
    expect(audit.items[0]).toMatchObject({
      actor: "key_admin",
      agentId: "billing-agent",
      data: { cause: "override" },
    });
    expect((await governor.agentMetrics(TENANT, "billing-agent")).recentTrustChanges[0]).toMatchObject({
      cause: "override",
      reason: "benchmark",
    });
  });

  it("answers VALIDATION_ERROR when an override has no reason, no target or a score outside the tier", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const attempts = [
      { tier: "T1" },
      { tier: "T1", reason: "  " },
      { reason: "nothing to change" },
      { tier: "T1", score: 900, reason: "mismatch" },
    ];
    for (const input of attempts) {
      await expect(governor.setTrust(admin, "billing-agent", input as never)).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
      });
    }
    await expect(governor.setTrust(admin, "ghost", { tier: "T1", reason: "r" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await governor.getAgent(TENANT, "billing-agent")).trustTier).toBe("T0");
  });
});
