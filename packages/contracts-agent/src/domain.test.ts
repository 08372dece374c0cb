import {
  createCatalog,
  DEFAULT_ESTIMATOR_SETTINGS,
  type IntendedOpsError,
  type RiskLevel,
  type ValueEstimatorSettings,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ContractsTypeName, contractsDomain } from "./domain";
import { contractsFixtures } from "./fixtures";
import { CONTRACTS_THRESHOLDS } from "./risk-thresholds";
import { CONTRACTS_MINUTES_SAVED, CONTRACTS_RISK_MITIGATION_CENTS } from "./value-defaults";

const catalog = createCatalog([contractsDomain]);
const typeNames = Object.values(contractsDomain.types).map((t) => t.name as ContractsTypeName);

/** Risk of each valid fixture, as a careful operator would set it. */
const expectedRisk: Record<ContractsTypeName, RiskLevel> = {
  "contracts.create_agreement": "low",
  "contracts.send_for_signature": "medium",
  "contracts.generate_amendment": "medium",
  "contracts.notify_expiration": "low",
  "contracts.archive_contract": "low",
  "contracts.request_approval": "low",
  "contracts.track_obligation": "low",
  "contracts.extract_terms": "low",
  "contracts.compare_versions": "low",
  "contracts.auto_renew": "medium",
};

const classifyError = (type: string, params: unknown): IntendedOpsError => {
  try {
    catalog.classify(type, "contracts", params);
  } catch (error) {
    return error as IntendedOpsError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(params)}`);
};

const riskOf = (type: ContractsTypeName, params: Record<string, unknown>) =>
  catalog.classify(type, "contracts", params).riskLevel;

describe("contractsDomain", () => {
  it("declares the guide's ten contracts types when built into a catalog", () => {
    expect(catalog.domains).toEqual(["contracts"]);
    expect(typeNames.sort()).toEqual(Object.keys(contractsFixtures).sort());
    expect(typeNames).toHaveLength(10);
  });

  it("keeps the guide's descriptions and Typical Value column when declared", () => {
    const declared = Object.fromEntries(
      Object.values(contractsDomain.types).map((t) => [t.name, [t.description, t.valueCategory]]),
    );
    expect(declared).toEqual({
      "contracts.create_agreement": ["Create new contract", "efficiency"],
      "contracts.send_for_signature": ["Send for e-signature", "efficiency"],
      "contracts.generate_amendment": ["Create amendment", "efficiency"],
      "contracts.notify_expiration": ["Send expiration notice", "risk_mitigation"],
      "contracts.archive_contract": ["Archive completed contract", "efficiency"],
      "contracts.request_approval": ["Route for internal approval", "efficiency"],
      "contracts.track_obligation": ["Track contract obligations", "risk_mitigation"],
      "contracts.extract_terms": ["AI extraction of key terms", "efficiency"],
      "contracts.compare_versions": ["Compare contract versions", "efficiency"],
      "contracts.auto_renew": ["Process auto-renewal", "revenue"],
    });
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of Object.values(contractsDomain.types)) {
      const json = z.toJSONSchema(type.params, { io: "input" }) as {
        properties: Record<string, { description?: string }>;
      };
      expect(Object.keys(json.properties).length).toBeGreaterThan(0);
      for (const [field, property] of Object.entries(json.properties)) {
        expect(property.description, `${type.name}.${field}`).toBeTruthy();
      }
    }
  });

  describe.each(typeNames)("%s", (typeName) => {
    const fixture = contractsFixtures[typeName];

    it("accepts the valid fixture with the expected risk when classified", () => {
      expect(riskOf(typeName, fixture.valid)).toBe(expectedRisk[typeName]);
    });

    it("names the wrong field when the invalid fixture is classified", () => {
      const error = classifyError(typeName, fixture.invalid);
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain(fixture.invalidField);
    });

    it("names an unknown field when params carry a typo", () => {
      const error = classifyError(typeName, { ...fixture.valid, contractID: "x" });
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain("contractID");
    });
  });
});

describe("contracts.send_for_signature", () => {
  const guideExample = {
    contractId: "contract_456",
    signers: [
      { email: "legal@acme.com", name: "Jane Smith", order: 1 },
      { email: "ceo@acme.com", name: "John Doe", order: 2 },
    ],
    deadline: "2026-02-15",
    reminderDays: [7, 3, 1],
  };

  it("accepts the guide's example verbatim and is medium risk when classified", () => {
    const result = catalog.classify("contracts.send_for_signature", "contracts", guideExample);
    expect(result.params).toEqual(guideExample);
    expect(result.riskLevel).toBe("medium");
  });

  it("points into the signer list when a signer's email is invalid", () => {
    const signers = [{ email: "legal-at-acme", name: "Jane Smith", order: 1 }];
    const error = classifyError("contracts.send_for_signature", { ...guideExample, signers });
    expect(error.details).toEqual([
      { path: ["params", "signers", 0, "email"], message: "Must be a valid email address" },
    ]);
  });

  it("rejects the request when two signers share an email", () => {
    const signers = [
      { email: "legal@acme.com", name: "Jane Smith", order: 1 },
      { email: "LEGAL@acme.com", name: "Jane S.", order: 2 },
    ];
    const error = classifyError("contracts.send_for_signature", { ...guideExample, signers });
    expect(error.details).toEqual([
      { path: ["params", "signers"], message: "Each signer must have a distinct email" },
    ]);
  });
});

describe("contracts risk escalation", () => {
  const agreement = { counterpartyName: "Acme", agreementType: "msa", startDate: "2026-02-01" };
  const amendment = {
    contractId: "c",
    changes: [{ clause: "1", summary: "s" }],
    effectiveDate: "2026-03-01",
  };
  const renewal = { contractId: "c", renewalTermMonths: 12 };

  it.each([
    ["contracts.create_agreement", "medium", "value", CONTRACTS_THRESHOLDS.agreementMediumAbove, agreement],
    ["contracts.create_agreement", "high", "value", CONTRACTS_THRESHOLDS.agreementHighAbove, agreement],
    ["contracts.generate_amendment", "high", "newValue", CONTRACTS_THRESHOLDS.amendmentHighAbove, amendment],
    ["contracts.auto_renew", "high", "renewalValue", CONTRACTS_THRESHOLDS.autoRenewHighAbove, renewal],
    [
      "contracts.auto_renew",
      "critical",
      "renewalValue",
      CONTRACTS_THRESHOLDS.autoRenewCriticalAbove,
      renewal,
    ],
  ] as const)("raises %s to %s when %s passes %d", (type, risk, field, limit, base) => {
    expect(riskOf(type, { ...base, [field]: limit })).not.toBe(risk);
    expect(riskOf(type, { ...base, [field]: limit + 1 })).toBe(risk);
  });
});

describe("contracts value estimators", () => {
  const estimateWith = (settings: Partial<ValueEstimatorSettings>) => {
    const custom = createCatalog([contractsDomain], { estimatorSettings: settings });
    return (type: ContractsTypeName, params: Record<string, unknown> = contractsFixtures[type].valid) =>
      custom.estimateValue(type, custom.classify(type, "contracts", params).params);
  };
  const estimate = estimateWith({});

  it.each(Object.entries(CONTRACTS_MINUTES_SAVED))(
    "prices contracts.%s's minutes saved at the hourly rate when estimated",
    (action, minutes) => {
      const type = `contracts.${action}` as ContractsTypeName;
      const rate = DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents;
      expect(estimate(type)).toBe(Math.round((minutes * rate) / 60));
      expect(estimateWith({ hourlyRateCents: 12_000 })(type)).toBe(minutes * 200);
    },
  );

  it.each(Object.entries(CONTRACTS_RISK_MITIGATION_CENTS))(
    "values contracts.%s at its default or the tenant's risk-mitigation setting",
    (action, cents) => {
      const type = `contracts.${action}` as ContractsTypeName;
      expect(estimate(type)).toBe(cents);
      expect(estimateWith({ riskMitigationCents: { [type]: 123_45 } })(type)).toBe(123_45);
    },
  );

  it("counts the renewal value in cents when a contract auto-renews", () => {
    expect(estimate("contracts.auto_renew")).toBe(2_400_000);
    expect(
      estimate("contracts.auto_renew", { contractId: "c", renewalTermMonths: 1, renewalValue: 0.1 + 0.2 }),
    ).toBe(30);
  });
});

describe("contracts params rules", () => {
  it("rejects an agreement that ends before it starts", () => {
    const error = classifyError("contracts.create_agreement", {
      counterpartyName: "Acme",
      agreementType: "nda",
      startDate: "2026-02-01",
      endDate: "2026-01-31",
    });
    expect(error.details).toEqual([
      { path: ["params", "endDate"], message: "endDate must not be before startDate" },
    ]);
  });

  it("applies defaults when optional fields are omitted", () => {
    const { params } = catalog.classify("contracts.archive_contract", "contracts", {
      contractId: "c",
      reason: "expired",
    });
    expect(params).toEqual({ contractId: "c", reason: "expired", retentionYears: 7 });
  });
});
