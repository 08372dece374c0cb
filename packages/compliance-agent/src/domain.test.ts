import {
  createCatalog,
  DEFAULT_ESTIMATOR_SETTINGS,
  type IntendedOpsError,
  type RiskLevel,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ComplianceTypeName, complianceDomain } from "./domain";
import { complianceFixtures } from "./fixtures";
import { COMPLIANCE_THRESHOLDS } from "./risk-thresholds";
import { COMPLIANCE_MINUTES_SAVED, COMPLIANCE_RISK_MITIGATION_CENTS } from "./value-defaults";

const catalog = createCatalog([complianceDomain]);
const typeNames = Object.values(complianceDomain.types).map((t) => t.name as ComplianceTypeName);

const expectedRisk: Record<ComplianceTypeName, RiskLevel> = {
  "compliance.check_control": "low",
  "compliance.record_evidence": "low",
  "compliance.generate_report": "low",
  "compliance.process_dsar": "high",
  "compliance.update_risk_assessment": "medium",
  "compliance.schedule_audit": "low",
  "compliance.track_remediation": "low",
  "compliance.assess_vendor": "low",
  "compliance.review_policy": "low",
  "compliance.train_employee": "low",
};

/** Value of each valid fixture in cents at the default hourly rate ($60) and default per-type values. */
const expectedValueCents: Record<ComplianceTypeName, number> = {
  "compliance.check_control": 10_000,
  "compliance.record_evidence": 5_000,
  "compliance.generate_report": 12_000,
  "compliance.process_dsar": 50_000,
  "compliance.update_risk_assessment": 10_000,
  "compliance.schedule_audit": 5_000,
  "compliance.track_remediation": 7_500,
  "compliance.assess_vendor": 10_000,
  "compliance.review_policy": 5_000,
  "compliance.train_employee": 2_000,
};

const classifyError = (type: string, params: unknown): IntendedOpsError => {
  try {
    catalog.classify(type, "compliance", params);
  } catch (error) {
    return error as IntendedOpsError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(params)}`);
};
const riskOf = (type: ComplianceTypeName, params: Record<string, unknown>) =>
  catalog.classify(type, "compliance", params).riskLevel;
const estimate = (type: ComplianceTypeName, params: Record<string, unknown>, cat = catalog) =>
  cat.estimateValue(type, cat.classify(type, "compliance", params).params);

describe("complianceDomain", () => {
  it("declares the guide's ten compliance types when built into a catalog", () => {
    expect(catalog.domains).toEqual(["compliance"]);
    expect([...typeNames].sort()).toEqual(Object.keys(complianceFixtures).sort());
    expect(typeNames).toHaveLength(10);
  });

  it("maps the guide's Typical Value column to value categories when declared", () => {
    const categories = Object.values(complianceDomain.types).map((t) => [t.name, t.valueCategory]);
    expect(Object.fromEntries(categories)).toEqual({
      "compliance.check_control": "risk_mitigation",
      "compliance.record_evidence": "risk_mitigation",
      "compliance.generate_report": "efficiency",
      "compliance.process_dsar": "risk_mitigation",
      "compliance.update_risk_assessment": "risk_mitigation",
      "compliance.schedule_audit": "risk_mitigation",
      "compliance.track_remediation": "risk_mitigation",
      "compliance.assess_vendor": "risk_mitigation",
      "compliance.review_policy": "risk_mitigation",
      "compliance.train_employee": "risk_mitigation",
    });
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of Object.values(complianceDomain.types)) {
      const json = z.toJSONSchema(type.params, { io: "input" }) as {
        properties: Record<string, { description?: string }>;
      };
      for (const [field, property] of Object.entries(json.properties)) {
        expect(property.description, `${type.name}.${field}`).toBeTruthy();
      }
    }
  });

  describe.each(typeNames)("%s", (typeName) => {
    const fixture = complianceFixtures[typeName];

    it("estimates the expected value when the valid fixture completes", () => {
      const { params } = catalog.classify(typeName, "compliance", fixture.valid);
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
      expect(classifyError(typeName, { ...fixture.valid, dueDat: "2026-01-01" }).message).toContain("dueDat");
    });
  });
});

describe("compliance.process_dsar", () => {
  const guideExample = { requestType: "access", subjectEmail: "user@example.com", deadline: "2026-03-01" };

  it("accepts the guide's example verbatim as a high-risk intent", () => {
    const { params, riskLevel } = catalog.classify("compliance.process_dsar", "compliance", guideExample);
    expect(params).toEqual(guideExample);
    expect(riskLevel).toBe("high");
  });

  it("makes an erasure request critical because it cannot be undone", () => {
    expect(riskOf("compliance.process_dsar", { ...guideExample, requestType: "erasure" })).toBe("critical");
  });

  it("names the field when the deadline is not a real date", () => {
    const error = classifyError("compliance.process_dsar", { ...guideExample, deadline: "2026-02-30" });
    expect(error.details).toEqual([
      { path: ["params", "deadline"], message: "Must be a date in YYYY-MM-DD form" },
    ]);
  });
});

describe("compliance risk escalation", () => {
  const assessment = { riskId: "r", likelihood: 3, impact: 5, treatment: "accept" };

  it("raises accepting a risk to high when likelihood × impact reaches acceptedRiskHighAtScore", () => {
    expect(3 * 5).toBeGreaterThanOrEqual(COMPLIANCE_THRESHOLDS.acceptedRiskHighAtScore);
    expect(riskOf("compliance.update_risk_assessment", assessment)).toBe("high");
    expect(riskOf("compliance.update_risk_assessment", { ...assessment, likelihood: 2 })).toBe("medium");
    expect(riskOf("compliance.update_risk_assessment", { ...assessment, treatment: "mitigate" })).toBe(
      "medium",
    );
  });

  it.each([
    [
      "compliance.generate_report",
      { ...complianceFixtures["compliance.generate_report"].valid, audience: "auditor" },
    ],
    [
      "compliance.schedule_audit",
      { ...complianceFixtures["compliance.schedule_audit"].valid, auditType: "external" },
    ],
    ["compliance.track_remediation", { findingId: "f", status: "risk_accepted" }],
  ] as const)("raises %s to medium when it leaves the building or accepts risk", (type, params) => {
    expect(riskOf(type, params)).toBe("medium");
  });

  it("raises training to medium when more than trainingMediumAbove employees are assigned", () => {
    const ids = Array.from({ length: COMPLIANCE_THRESHOLDS.trainingMediumAbove + 1 }, (_, i) => `emp_${i}`);
    const params = { employeeIds: ids, courseId: "c", dueDate: "2026-03-31" };
    expect(riskOf("compliance.train_employee", params)).toBe("medium");
  });

  it("rejects an audit that ends before it starts", () => {
    const error = classifyError("compliance.schedule_audit", {
      framework: "soc2",
      auditType: "internal",
      startDate: "2026-05-04",
      endDate: "2026-05-01",
    });
    expect(error.details).toEqual([
      { path: ["params", "endDate"], message: "endDate must not be before startDate" },
    ]);
  });
});

describe("compliance value estimators", () => {
  it("uses each type's default risk-mitigation value when none is configured", () => {
    expect(estimate("compliance.process_dsar", complianceFixtures["compliance.process_dsar"].valid)).toBe(
      COMPLIANCE_RISK_MITIGATION_CENTS.process_dsar,
    );
    expect(estimate("compliance.check_control", complianceFixtures["compliance.check_control"].valid)).toBe(
      COMPLIANCE_RISK_MITIGATION_CENTS.check_control,
    );
  });

  it("uses the configured value when the catalog sets one for the type", () => {
    const custom = createCatalog([complianceDomain], {
      estimatorSettings: { riskMitigationCents: { "compliance.process_dsar": 250_000 } },
    });
    const valid = complianceFixtures["compliance.process_dsar"].valid;
    expect(estimate("compliance.process_dsar", valid, custom)).toBe(250_000);
    expect(
      estimate("compliance.check_control", complianceFixtures["compliance.check_control"].valid, custom),
    ).toBe(COMPLIANCE_RISK_MITIGATION_CENTS.check_control);
  });

  it("prices the report's minutes saved at the hourly rate", () => {
    expect(
      estimate("compliance.generate_report", complianceFixtures["compliance.generate_report"].valid),
    ).toBe(
      Math.round(
        (COMPLIANCE_MINUTES_SAVED.generate_report * DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents) / 60,
      ),
    );
  });
});
