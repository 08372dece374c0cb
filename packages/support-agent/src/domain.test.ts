import {
  createCatalog,
  DEFAULT_ESTIMATOR_SETTINGS,
  type IntendedOpsError,
  type RiskLevel,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type SupportTypeName, supportDomain } from "./domain";
import { supportFixtures } from "./fixtures";
import { SUPPORT_THRESHOLDS } from "./risk-thresholds";
import {
  SUPPORT_COST_SAVINGS_CENTS,
  SUPPORT_MINUTES_SAVED,
  SUPPORT_RISK_MITIGATION_CENTS,
} from "./value-defaults";

const catalog = createCatalog([supportDomain]);
const typeNames = Object.values(supportDomain.types).map((t) => t.name as SupportTypeName);

const expectedRisk: Record<SupportTypeName, RiskLevel> = {
  "support.create_ticket": "low",
  "support.assign_ticket": "low",
  "support.escalate_ticket": "medium",
  "support.resolve_ticket": "low",
  "support.send_response": "medium",
  "support.update_priority": "low",
  "support.merge_tickets": "medium",
  "support.create_knowledge_article": "low",
  "support.request_feedback": "low",
  "support.auto_categorize": "low",
};

/** Value of each valid fixture in cents at the default hourly rate ($60) and default per-type values. */
const expectedValueCents: Record<SupportTypeName, number> = {
  "support.create_ticket": 500,
  "support.assign_ticket": 300,
  "support.escalate_ticket": 5_000,
  "support.resolve_ticket": 1_000,
  "support.send_response": 800,
  "support.update_priority": 2_500,
  "support.merge_tickets": 800,
  "support.create_knowledge_article": 15_000,
  "support.request_feedback": 0,
  "support.auto_categorize": 200,
};

const classifyError = (type: string, params: unknown): IntendedOpsError => {
  try {
    catalog.classify(type, "support", params);
  } catch (error) {
    return error as IntendedOpsError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(params)}`);
};
const riskOf = (type: SupportTypeName, params: Record<string, unknown>) =>
  catalog.classify(type, "support", params).riskLevel;
const estimate = (type: SupportTypeName, params: Record<string, unknown>, cat = catalog) =>
  cat.estimateValue(type, cat.classify(type, "support", params).params);

describe("supportDomain", () => {
  it("declares the guide's ten support types when built into a catalog", () => {
    expect(catalog.domains).toEqual(["support"]);
    expect([...typeNames].sort()).toEqual(Object.keys(supportFixtures).sort());
    expect(typeNames).toHaveLength(10);
  });

  it("maps the guide's Typical Value column to value categories when declared", () => {
    expect(
      Object.fromEntries(Object.values(supportDomain.types).map((t) => [t.name, t.valueCategory])),
    ).toEqual({
      "support.create_ticket": "efficiency",
      "support.assign_ticket": "efficiency",
      "support.escalate_ticket": "risk_mitigation",
      "support.resolve_ticket": "efficiency",
      "support.send_response": "efficiency",
      "support.update_priority": "risk_mitigation",
      "support.merge_tickets": "efficiency",
      "support.create_knowledge_article": "cost_savings",
      "support.request_feedback": null,
      "support.auto_categorize": "efficiency",
    });
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of Object.values(supportDomain.types)) {
      const json = z.toJSONSchema(type.params, { io: "input" }) as {
        properties: Record<string, { description?: string }>;
      };
      for (const [field, property] of Object.entries(json.properties)) {
        expect(property.description, `${type.name}.${field}`).toBeTruthy();
      }
    }
  });

  describe.each(typeNames)("%s", (typeName) => {
    const fixture = supportFixtures[typeName];

    it("estimates the expected value when the valid fixture completes", () => {
      const { params } = catalog.classify(typeName, "support", fixture.valid);
      expect(catalog.estimateValue(typeName, params)).toBe(expectedValueCents[typeName]);
    });

    it("accepts the valid fixture with the expected risk when classified", () => {
      expect(riskOf(typeName, fixture.valid)).toBe(expectedRisk[typeName]);
    });

    it("names the wrong field when the invalid fixture is classified", () => {
      const error = classifyError(typeName, fixture.invalid);
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain(fixture.invalidField);
    });

    it("names an unknown field when params carry a typo", () => {
      expect(classifyError(typeName, { ...fixture.valid, ticketld: "x" }).message).toContain("ticketld");
    });
  });
});

describe("support risk escalation", () => {
  it("keeps an internal note low and makes a customer-facing response medium", () => {
    const base = { ticketId: "t", message: "m" };
    expect(riskOf("support.send_response", { ...base, visibility: "internal" })).toBe("low");
    expect(riskOf("support.send_response", base)).toBe("medium");
  });

  it("raises a merge to high when it folds more than mergeHighAbove tickets", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `tkt_${i + 100}`);
    const limit = SUPPORT_THRESHOLDS.mergeHighAbove;
    expect(
      riskOf("support.merge_tickets", { primaryTicketId: "tkt_1", duplicateTicketIds: ids(limit) }),
    ).toBe("medium");
    expect(
      riskOf("support.merge_tickets", { primaryTicketId: "tkt_1", duplicateTicketIds: ids(limit + 1) }),
    ).toBe("high");
  });

  it("raises a knowledge article to medium when it is published", () => {
    const article = { title: "t", body: "b", visibility: "public" };
    expect(riskOf("support.create_knowledge_article", article)).toBe("medium");
  });

  it("rejects a merge whose duplicates include the primary ticket", () => {
    const error = classifyError("support.merge_tickets", {
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

describe("support value estimators", () => {
  const perMinute = DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents / 60;

  it("prices minutes saved at the hourly rate when the type is efficiency-valued", () => {
    expect(estimate("support.create_ticket", supportFixtures["support.create_ticket"].valid)).toBe(
      Math.round(SUPPORT_MINUTES_SAVED.create_ticket * perMinute),
    );
    expect(estimate("support.merge_tickets", supportFixtures["support.merge_tickets"].valid)).toBe(
      Math.round(SUPPORT_MINUTES_SAVED.merge_tickets * 2 * perMinute),
    );
  });

  it("uses the type default when no risk-mitigation value is configured", () => {
    expect(estimate("support.escalate_ticket", supportFixtures["support.escalate_ticket"].valid)).toBe(
      SUPPORT_RISK_MITIGATION_CENTS.escalate_ticket,
    );
  });

  it("uses the configured risk-mitigation value when the catalog sets one for the type", () => {
    const custom = createCatalog([supportDomain], {
      estimatorSettings: { riskMitigationCents: { "support.escalate_ticket": 12_345 } },
    });
    expect(
      estimate("support.escalate_ticket", supportFixtures["support.escalate_ticket"].valid, custom),
    ).toBe(12_345);
  });

  it("uses the default or the configured cost savings when an article is written", () => {
    const valid = supportFixtures["support.create_knowledge_article"].valid;
    expect(estimate("support.create_knowledge_article", valid)).toBe(
      SUPPORT_COST_SAVINGS_CENTS.create_knowledge_article,
    );
    const settings = { costSavingsCents: { "support.create_knowledge_article": 900 } };
    const custom = createCatalog([supportDomain], { estimatorSettings: settings as never });
    expect(estimate("support.create_knowledge_article", valid, custom)).toBe(900);
  });

  it("estimates nothing when the guide gives the type no value", () => {
    expect(estimate("support.request_feedback", supportFixtures["support.request_feedback"].valid)).toBe(0);
  });
});
