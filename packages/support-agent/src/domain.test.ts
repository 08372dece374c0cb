import { readFileSync } from "node:fs";
import {
  describeDomainConformance,
  describeReadmeConformance,
  probeDomain,
} from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { supportDomain } from "./domain";
import { supportFixtures } from "./fixtures";
import { SUPPORT_THRESHOLDS } from "./risk-thresholds";
import {
  SUPPORT_COST_SAVINGS_CENTS,
  SUPPORT_MINUTES_SAVED,
  SUPPORT_RISK_MITIGATION_CENTS,
} from "./value-defaults";

const { estimate, rejectionOf, riskOf } = probeDomain(supportDomain);
const ticketIds = (n: number) => Array.from({ length: n }, (_, i) => `tkt_${i + 100}`);

describeDomainConformance({
  domain: supportDomain,
  fixtures: supportFixtures,
  types: {
    "support.create_ticket": ["Create support ticket", "efficiency", "low", 500],
    "support.assign_ticket": ["Route ticket to agent", "efficiency", "low", 300],
    "support.escalate_ticket": ["Escalate to higher tier", "risk_mitigation", "medium", 5_000],
    "support.resolve_ticket": ["Mark ticket resolved", "efficiency", "low", 1_000],
    "support.send_response": ["Send customer response", "efficiency", "medium", 800],
    "support.update_priority": ["Change ticket priority", "risk_mitigation", "low", 2_500],
    "support.merge_tickets": ["Combine duplicate tickets", "efficiency", "medium", 800],
    "support.create_knowledge_article": ["Document solution", "cost_savings", "low", 15_000],
    "support.request_feedback": ["Request CSAT survey", null, "low", 0],
    "support.auto_categorize": ["AI-powered categorization", "efficiency", "low", 200],
  },
  typo: { ticketld: "x" },
  escalations: [
    {
      type: "support.merge_tickets",
      base: { primaryTicketId: "tkt_1" },
      field: "duplicateTicketIds",
      limit: SUPPORT_THRESHOLDS.mergeHighAbove,
      atLimit: "medium",
      above: "high",
      valueFor: ticketIds,
    },
  ],
  estimators: {
    // A merge saves its minutes once per duplicate; the fixture folds in two.
    minutesSaved: { ...SUPPORT_MINUTES_SAVED, merge_tickets: SUPPORT_MINUTES_SAVED.merge_tickets * 2 },
    riskMitigationCents: SUPPORT_RISK_MITIGATION_CENTS,
    costSavingsCents: SUPPORT_COST_SAVINGS_CENTS,
  },
});

describeReadmeConformance(supportDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("support risk escalation", () => {
  it("keeps an internal note low and makes a customer-facing response medium", () => {
    const base = { ticketId: "t", message: "m" };
    expect(riskOf("support.send_response", { ...base, visibility: "internal" })).toBe("low");
    expect(riskOf("support.send_response", base)).toBe("medium");
  });

  it("raises a knowledge article to medium when it is published", () => {
    const article = { title: "t", body: "b", visibility: "public" };
    expect(riskOf("support.create_knowledge_article", article)).toBe("medium");
  });

  it("counts each duplicate ticket once when its id is listed more than once", () => {
    const repeated = { primaryTicketId: "tkt_1", duplicateTicketIds: Array(20).fill("tkt_2") };
    expect(riskOf("support.merge_tickets", repeated)).toBe("medium");
    expect(estimate("support.merge_tickets", repeated)).toBe(
      estimate("support.merge_tickets", {
        primaryTicketId: "tkt_1",
        duplicateTicketIds: ["tkt_2"],
      }),
    );
  });

  it("rejects a merge whose duplicates include the primary ticket", () => {
    const error = rejectionOf("support.merge_tickets", {
      primaryTicketId: "tkt_1",
      duplicateTicketIds: ["tkt_1", "tkt_2"],
    });
    expect(error.details).toEqual([
      {
        path: ["params", "duplicateTicketIds"],
        message: "duplicateTicketIds must not contain primaryTicketId",
      },
    ]);
  });
});
