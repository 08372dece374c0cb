import { readFileSync } from "node:fs";
import {
  describeDomainConformance,
  describeReadmeConformance,
  probeDomain,
} from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { contractsDomain } from "./domain";
import { contractsFixtures } from "./fixtures";
import { CONTRACTS_THRESHOLDS as T } from "./risk-thresholds";
import { CONTRACTS_MINUTES_SAVED, CONTRACTS_RISK_MITIGATION_CENTS } from "./value-defaults";

const { estimate, rejectionOf } = probeDomain(contractsDomain);
const guideSignature = {
  contractId: "contract_456",
  signers: [
    { email: "legal@acme.com", name: "Jane Smith", order: 1 },
    { email: "ceo@acme.com", name: "John Doe", order: 2 },
  ],
  deadline: "2026-02-15",
  reminderDays: [7, 3, 1],
};
const agreement = { counterpartyName: "Acme", agreementType: "msa", startDate: "2026-02-01" };
const amendment = { contractId: "c", changes: [{ clause: "1", summary: "s" }], effectiveDate: "2026-03-01" };
const renewal = { contractId: "c", renewalTermMonths: 12 };

describeDomainConformance({
  domain: contractsDomain,
  fixtures: contractsFixtures,
  types: {
    "contracts.create_agreement": ["Create new contract", "efficiency", "low", 9_000],
    "contracts.send_for_signature": ["Send for e-signature", "efficiency", "medium", 1_500],
    "contracts.generate_amendment": ["Create amendment", "efficiency", "medium", 6_000],
    "contracts.notify_expiration": ["Send expiration notice", "risk_mitigation", "low", 20_000],
    "contracts.archive_contract": ["Archive completed contract", "efficiency", "low", 1_000],
    "contracts.request_approval": ["Route for internal approval", "efficiency", "low", 1_500],
    "contracts.track_obligation": ["Track contract obligations", "risk_mitigation", "low", 30_000],
    "contracts.extract_terms": ["AI extraction of key terms", "efficiency", "low", 4_500],
    "contracts.compare_versions": ["Compare contract versions", "efficiency", "low", 4_000],
    "contracts.auto_renew": ["Process auto-renewal", "revenue", "medium", 2_400_000],
  },
  typo: { contractID: "x" },
  guideExamples: [{ type: "contracts.send_for_signature", params: guideSignature, risk: "medium" }],
  escalations: [
    {
      type: "contracts.create_agreement",
      base: agreement,
      field: "value",
      limit: T.agreementMediumAbove,
      atLimit: "low",
      above: "medium",
    },
    {
      type: "contracts.create_agreement",
      base: agreement,
      field: "value",
      limit: T.agreementHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "contracts.generate_amendment",
      base: amendment,
      field: "newValue",
      limit: T.amendmentHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "contracts.auto_renew",
      base: renewal,
      field: "renewalValue",
      limit: T.autoRenewHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "contracts.auto_renew",
      base: renewal,
      field: "renewalValue",
      limit: T.autoRenewCriticalAbove,
      atLimit: "high",
      above: "critical",
    },
  ],
  dateOrders: [{ type: "contracts.create_agreement", start: "startDate", end: "endDate" }],
  defaults: [
    {
      type: "contracts.archive_contract",
      params: { contractId: "c", reason: "expired" },
      parsed: { contractId: "c", reason: "expired", retentionYears: 7 },
    },
  ],
  estimators: {
    minutesSaved: CONTRACTS_MINUTES_SAVED,
    riskMitigationCents: CONTRACTS_RISK_MITIGATION_CENTS,
  },
});

describeReadmeConformance(contractsDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("contracts.send_for_signature", () => {
  it("points into the signer list when a signer's email is invalid", () => {
    const signers = [{ email: "legal-at-acme", name: "Jane Smith", order: 1 }];
    const error = rejectionOf("contracts.send_for_signature", { ...guideSignature, signers });
    expect(error.details).toEqual([
      { path: ["params", "signers", 0, "email"], message: "Must be a valid email address" },
    ]);
  });

  it("rejects the request when two signers share an email", () => {
    const signers = [
      { email: "legal@acme.com", name: "Jane Smith", order: 1 },
      { email: "LEGAL@acme.com", name: "Jane S.", order: 2 },
    ];
    const error = rejectionOf("contracts.send_for_signature", { ...guideSignature, signers });
    expect(error.details).toEqual([
      { path: ["params", "signers"], message: "Each signer must have a distinct email" },
    ]);
  });
});

describe("contracts value estimators", () => {
  it("counts the renewal value in cents when a contract auto-renews", () => {
    expect(estimate("contracts.auto_renew", contractsFixtures["contracts.auto_renew"].valid)).toBe(2_400_000);
    expect(
      estimate("contracts.auto_renew", { contractId: "c", renewalTermMonths: 1, renewalValue: 0.1 + 0.2 }),
    ).toBe(30);
  });

  it("estimates nothing for a renewal in another currency rather than counting it as dollars", () => {
    const renewal = contractsFixtures["contracts.auto_renew"].valid;
    expect(estimate("contracts.auto_renew", { ...renewal, currency: "EUR" })).toBe(0);
    expect(estimate("contracts.auto_renew", { ...renewal, currency: "JPY" })).toBe(0);
  });
});
