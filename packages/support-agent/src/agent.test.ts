import {
  type Actor,
  createCatalog,
  createGovernor,
  createMemoryStore,
  embeddedGovernance,
  sleep,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { createSupportAgent } from "./agent";
import { supportDomain } from "./domain";

const tenantId = "tenant_support";
const admin: Actor = { tenantId, id: "key_admin", kind: "key" };
const lead: Actor = { tenantId, id: "user_lead", name: "Support Lead", kind: "user" };

describe("createSupportAgent", () => {
  it("escalates the ticket after the support lead approves when the agent is new", async () => {
    const governor = createGovernor({
      store: createMemoryStore(),
      catalog: createCatalog([supportDomain]),
      metrics: false,
    });
    await governor.registerAgent(admin, { name: "Support Agent", domains: ["support"] });
    const escalated: string[] = [];
    const support = createSupportAgent({
      governance: embeddedGovernance(governor, { tenantId, actorId: "key_support_agent" }),
      agentId: "support-agent",
      handlers: {
        escalateTicket: ({ ticketId, toLevel }) => {
          escalated.push(`${ticketId}->${toLevel}`);
          return { queue: toLevel };
        },
      },
    });
    const approveNext = async () => {
      for (;;) {
        const [approval] = (await governor.listApprovals(tenantId, { status: "pending" })).items;
        if (approval) return governor.approve(lead, approval.id);
        await sleep(1);
      }
    };

    const [outcome] = await Promise.all([
      support.escalateTicket(
        { ticketId: "tkt_42", toLevel: "tier2", reason: "Export fails for every user" },
        { waitForApproval: { pollIntervalMs: 2, timeoutMs: 5_000 } },
      ),
      approveNext(),
    ]);

    expect(outcome).toMatchObject({ status: "completed", result: { queue: "tier2" } });
    expect(escalated).toEqual(["tkt_42->tier2"]);
    const { intent } = await governor.getIntent(tenantId, outcome.intentId);
    expect(intent).toMatchObject({
      status: "completed",
      valueCategory: "risk_mitigation",
      valueCents: 5_000,
    });
  });
});
