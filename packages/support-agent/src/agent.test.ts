import { createGovernedHarness } from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { createSupportAgent } from "./agent";
import { supportDomain } from "./domain";

describe("createSupportAgent", () => {
  it("escalates the ticket after the support lead approves when the agent is new", async () => {
    const harness = await createGovernedHarness({
      domain: supportDomain,
      approver: { id: "user_lead", name: "Support Lead" },
    });
    const escalated: string[] = [];
    const support = createSupportAgent({
      governance: harness.governance,
      agentId: harness.agentId,
      handlers: {
        escalateTicket: ({ ticketId, toLevel }) => {
          escalated.push(`${ticketId}->${toLevel}`);
          return { queue: toLevel };
        },
      },
    });

    const outcome = await harness.approving(
      support.escalateTicket(
        { ticketId: "tkt_42", toLevel: "tier2", reason: "Export fails for every user" },
        { waitForApproval: harness.wait },
      ),
    );

    expect(outcome).toMatchObject({
      status: "completed",
      result: { queue: "tier2" },
      decision: { approvedBy: "Support Lead" },
    });
    expect(escalated).toEqual(["tkt_42->tier2"]);
    expect(await harness.intent(outcome.intentId)).toMatchObject({
      status: "completed",
      valueCategory: "risk_mitigation",
      valueCents: 5_000,
    });
  });
});
