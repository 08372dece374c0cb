import { readFileSync } from "node:fs";
import {
  describeDomainConformance,
  describeReadmeConformance,
  probeDomain,
} from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { complianceDomain } from "./domain";
import { complianceFixtures } from "./fixtures";
import { COMPLIANCE_THRESHOLDS } from "./risk-thresholds";
import { COMPLIANCE_MINUTES_SAVED, COMPLIANCE_RISK_MITIGATION_CENTS } from "./value-defaults";

const { rejectionOf, riskOf } = probeDomain(complianceDomain);
const guideDsar = { requestType: "access", subjectEmail: "user@example.com", deadline: "2026-03-01" };

describeDomainConformance({
  domain: complianceDomain,
  fixtures: complianceFixtures,
  types: {
    "compliance.check_control": ["Run control assessment", "risk_mitigation", "low", 10_000],
    "compliance.record_evidence": ["Document compliance evidence", "risk_mitigation", "low", 5_000],
    "compliance.generate_report": ["Create compliance report", "efficiency", "low", 12_000],
    "compliance.process_dsar": ["Handle data subject request", "risk_mitigation", "high", 50_000],
    "compliance.update_risk_assessment": ["Update risk register", "risk_mitigation", "medium", 10_000],
    "compliance.schedule_audit": ["Schedule compliance audit", "risk_mitigation", "low", 5_000],
    "compliance.track_remediation": ["Track finding remediation", "risk_mitigation", "low", 7_500],
    "compliance.assess_vendor": ["Vendor compliance check", "risk_mitigation", "low", 10_000],
    "compliance.review_policy": ["Policy review workflow", "risk_mitigation", "low", 5_000],
    "compliance.train_employee": ["Compliance training", "risk_mitigation", "low", 2_000],
  },
  typo: { dueDat: "2026-01-01" },
  guideExamples: [{ type: "compliance.process_dsar", params: guideDsar, risk: "high" }],
  escalations: [
    {
      type: "compliance.train_employee",
      base: { courseId: "c", dueDate: "2026-03-31" },
      field: "employeeIds",
      limit: COMPLIANCE_THRESHOLDS.trainingMediumAbove,
      atLimit: "low",
      above: "medium",
      valueFor: (n) => Array.from({ length: n }, (_, i) => `emp_${i}`),
    },
  ],
  dateOrders: [
    { type: "compliance.generate_report", start: "periodStart", end: "periodEnd" },
    { type: "compliance.schedule_audit", start: "startDate", end: "endDate" },
  ],
  estimators: {
    minutesSaved: COMPLIANCE_MINUTES_SAVED,
    riskMitigationCents: COMPLIANCE_RISK_MITIGATION_CENTS,
  },
});

describeReadmeConformance(complianceDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("compliance.process_dsar", () => {
  it("makes an erasure request critical because it cannot be undone", () => {
    expect(riskOf("compliance.process_dsar", { ...guideDsar, requestType: "erasure" })).toBe("critical");
  });

  it("names the field when the deadline is not a real date", () => {
    const error = rejectionOf("compliance.process_dsar", { ...guideDsar, deadline: "2026-02-30" });
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
});
