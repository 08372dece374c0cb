import {
  createCatalog,
  DEFAULT_ESTIMATOR_SETTINGS,
  type IntendedOpsError,
  type RiskLevel,
  type ValueEstimatorSettings,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type IdentityTypeName, identityDomain } from "./domain";
import { identityFixtures } from "./fixtures";
import { IDENTITY_THRESHOLDS, isPrivilegedName } from "./risk-thresholds";
import { IDENTITY_MINUTES_SAVED, IDENTITY_RISK_MITIGATION_CENTS } from "./value-defaults";

const catalog = createCatalog([identityDomain]);
const typeNames = Object.values(identityDomain.types).map((t) => t.name as IdentityTypeName);

/** Risk of each valid fixture, as a careful operator would set it. */
const expectedRisk: Record<IdentityTypeName, RiskLevel> = {
  "identity.provision_user": "medium",
  "identity.deprovision_user": "high",
  "identity.assign_role": "high",
  "identity.revoke_role": "high",
  "identity.initiate_access_review": "low",
  "identity.complete_access_review": "medium",
  "identity.reset_credentials": "medium",
  "identity.enable_mfa": "low",
  "identity.create_group": "low",
  "identity.sync_directory": "low",
  "identity.audit_permissions": "low",
  "identity.request_access": "low",
  "identity.approve_access": "medium",
  "identity.detect_anomaly": "low",
  "identity.rotate_credentials": "high",
};

const classifyError = (type: string, params: unknown): IntendedOpsError => {
  try {
    catalog.classify(type, "identity", params);
  } catch (error) {
    return error as IntendedOpsError;
  }
  throw new Error(`${type} accepted ${JSON.stringify(params)}`);
};

const riskOf = (type: IdentityTypeName, params: Record<string, unknown>) =>
  catalog.classify(type, "identity", params).riskLevel;

describe("identityDomain", () => {
  it("declares the guide's fifteen identity types when built into a catalog", () => {
    expect(catalog.domains).toEqual(["identity"]);
    expect(typeNames.sort()).toEqual(Object.keys(identityFixtures).sort());
    expect(typeNames).toHaveLength(15);
  });

  it("keeps the guide's descriptions and Typical Value column when declared", () => {
    const declared = Object.fromEntries(
      Object.values(identityDomain.types).map((t) => [t.name, [t.description, t.valueCategory]]),
    );
    expect(declared).toEqual({
      "identity.provision_user": ["Create user account", "efficiency"],
      "identity.deprovision_user": ["Remove user access", "risk_mitigation"],
      "identity.assign_role": ["Assign role to user", "efficiency"],
      "identity.revoke_role": ["Remove role from user", "risk_mitigation"],
      "identity.initiate_access_review": ["Start access certification", "risk_mitigation"],
      "identity.complete_access_review": ["Complete review cycle", "risk_mitigation"],
      "identity.reset_credentials": ["Reset password/MFA", "efficiency"],
      "identity.enable_mfa": ["Enable multi-factor auth", "risk_mitigation"],
      "identity.create_group": ["Create security group", "efficiency"],
      "identity.sync_directory": ["Sync with IdP", "efficiency"],
      "identity.audit_permissions": ["Audit user permissions", "risk_mitigation"],
      "identity.request_access": ["Self-service access request", "efficiency"],
      "identity.approve_access": ["Approve access request", "efficiency"],
      "identity.detect_anomaly": ["Flag suspicious activity", "risk_mitigation"],
      "identity.rotate_credentials": ["Rotate service credentials", "risk_mitigation"],
    });
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of Object.values(identityDomain.types)) {
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
    const fixture = identityFixtures[typeName];

    it("accepts the valid fixture with the expected risk when classified", () => {
      expect(riskOf(typeName, fixture.valid)).toBe(expectedRisk[typeName]);
    });

    it("names the wrong field when the invalid fixture is classified", () => {
      const error = classifyError(typeName, fixture.invalid);
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain(fixture.invalidField);
    });

    it("names an unknown field when params carry a typo", () => {
      const error = classifyError(typeName, { ...fixture.valid, usrId: "x" });
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toContain("usrId");
    });
  });
});

describe("identity.initiate_access_review", () => {
  const guideExample = {
    reviewType: "quarterly",
    scope: ["engineering", "finance"],
    reviewers: ["manager_123", "security_456"],
    deadline: "2026-02-28",
  };

  it("accepts the guide's example verbatim and is low risk when classified", () => {
    const result = catalog.classify("identity.initiate_access_review", "identity", guideExample);
    expect(result.params).toEqual(guideExample);
    expect(result.riskLevel).toBe("low");
  });

  it("reports params paths when required fields are missing", () => {
    const error = classifyError("identity.initiate_access_review", { reviewType: "quarterly" });
    expect(error.details).toEqual([
      { path: ["params", "scope"], message: expect.any(String) },
      { path: ["params", "reviewers"], message: expect.any(String) },
      { path: ["params", "deadline"], message: "Required" },
    ]);
  });
});

describe("identity risk escalation", () => {
  it.each([
    ["identity.deprovision_user", { userId: "u", reason: "termination" }],
    ["identity.assign_role", { userId: "u", role: "support_agent" }],
    ["identity.revoke_role", { userId: "u", role: "support_agent", reason: "r" }],
  ] as const)("raises %s to critical when the account is privileged", (type, base) => {
    expect(riskOf(type, base)).toBe("high");
    expect(riskOf(type, { ...base, privileged: true })).toBe("critical");
  });

  it.each([
    ["identity.assign_role", { userId: "u", role: "Org_Admin" }],
    ["identity.revoke_role", { userId: "u", role: "root", reason: "r" }],
  ] as const)("raises %s to critical when the role name is privileged", (type, params) => {
    expect(riskOf(type, params)).toBe("critical");
  });

  it("raises provisioning to high when a granted role is privileged", () => {
    const base = { email: "a@example.com", displayName: "A" };
    expect(riskOf("identity.provision_user", { ...base, roles: ["viewer"] })).toBe("medium");
    expect(riskOf("identity.provision_user", { ...base, roles: ["viewer", "workspace_owner"] })).toBe("high");
  });

  it("raises a credential reset to high when the account is privileged", () => {
    const base = { userId: "u", credentialType: "mfa", reason: "lost phone" };
    expect(riskOf("identity.reset_credentials", { ...base, privileged: true })).toBe("high");
  });

  it("raises group creation to high when membership is privileged", () => {
    expect(riskOf("identity.create_group", { name: "db-admins", ownerId: "o" })).toBe("high");
    expect(riskOf("identity.create_group", { name: "on-call", ownerId: "o", privileged: true })).toBe("high");
  });

  it("keeps credential rotation high unless a production secret is revoked at once", () => {
    const base = { credentialId: "c", credentialType: "api_key", system: "payments" };
    expect(riskOf("identity.rotate_credentials", base)).toBe("high");
    expect(riskOf("identity.rotate_credentials", { ...base, revokePreviousAfterHours: 0 })).toBe("critical");
    expect(
      riskOf("identity.rotate_credentials", { ...base, environment: "staging", revokePreviousAfterHours: 0 }),
    ).toBe("high");
  });

  it("raises completing a review to high when it revokes more than reviewRevocationsHighAbove grants", () => {
    const limit = IDENTITY_THRESHOLDS.reviewRevocationsHighAbove;
    const base = { reviewId: "r", certifiedCount: 10 };
    expect(riskOf("identity.complete_access_review", { ...base, revokedCount: limit })).toBe("medium");
    expect(riskOf("identity.complete_access_review", { ...base, revokedCount: limit + 1 })).toBe("high");
    expect(
      riskOf("identity.complete_access_review", {
        ...base,
        revokedCount: limit + 1,
        applyRevocations: false,
      }),
    ).toBe("medium");
  });

  it("raises MFA enforcement to medium when more than mfaUsersMediumAbove users are affected", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `user_${i}`);
    const limit = IDENTITY_THRESHOLDS.mfaUsersMediumAbove;
    expect(riskOf("identity.enable_mfa", { userIds: ids(limit), method: "totp" })).toBe("low");
    expect(riskOf("identity.enable_mfa", { userIds: ids(limit + 1), method: "totp" })).toBe("medium");
  });

  it("raises a directory sync when it may disable accounts, unless it is a dry run", () => {
    expect(riskOf("identity.sync_directory", { provider: "okta", mode: "full" })).toBe("medium");
    expect(riskOf("identity.sync_directory", { provider: "okta", deprovisionMissing: true })).toBe("high");
    expect(
      riskOf("identity.sync_directory", { provider: "okta", deprovisionMissing: true, dryRun: true }),
    ).toBe("low");
  });

  it("raises access approval to high when admin access is granted", () => {
    const params = { ...identityFixtures["identity.approve_access"].valid, accessLevel: "admin" };
    expect(riskOf("identity.approve_access", params)).toBe("high");
  });

  it("raises anomaly handling to high when the account is suspended", () => {
    const params = { ...identityFixtures["identity.detect_anomaly"].valid, suspendAccount: true };
    expect(riskOf("identity.detect_anomaly", params)).toBe("high");
  });
});

describe("isPrivilegedName", () => {
  it.each(["org_admin", "Administrator", "repo-owner", "ROOT", "superuser", "sudoers", "privileged-ops"])(
    "flags %s when it contains a privileged keyword",
    (name) => {
      expect(isPrivilegedName(name)).toBe(true);
    },
  );

  it.each(["billing_viewer", "developer", "support_agent"])("does not flag %s when it has none", (name) => {
    expect(isPrivilegedName(name)).toBe(false);
  });
});

describe("identity value estimators", () => {
  const estimateWith = (settings: Partial<ValueEstimatorSettings>) => {
    const custom = createCatalog([identityDomain], { estimatorSettings: settings });
    return (type: IdentityTypeName) =>
      custom.estimateValue(type, custom.classify(type, "identity", identityFixtures[type].valid).params);
  };
  const estimate = estimateWith({});

  it.each(Object.entries(IDENTITY_MINUTES_SAVED))(
    "prices identity.%s's minutes saved at the hourly rate when estimated",
    (action, minutes) => {
      const type = `identity.${action}` as IdentityTypeName;
      const rate = DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents;
      expect(estimate(type)).toBe(Math.round((minutes * rate) / 60));
      expect(estimateWith({ hourlyRateCents: 12_000 })(type)).toBe(minutes * 200);
    },
  );

  it.each(Object.entries(IDENTITY_RISK_MITIGATION_CENTS))(
    "values identity.%s at its default or the tenant's risk-mitigation setting",
    (action, cents) => {
      const type = `identity.${action}` as IdentityTypeName;
      expect(estimate(type)).toBe(cents);
      expect(estimateWith({ riskMitigationCents: { [type]: 123_45 } })(type)).toBe(123_45);
    },
  );

  it("gives every typed value category an estimator when declared", () => {
    const valued = Object.values(identityDomain.types).filter((t) => t.valueCategory !== null);
    expect(valued.every((t) => t.estimateValue !== undefined)).toBe(true);
    expect(
      Object.keys(IDENTITY_MINUTES_SAVED).length + Object.keys(IDENTITY_RISK_MITIGATION_CENTS).length,
    ).toBe(valued.length);
  });
});

describe("identity params rules", () => {
  it("requires targets when the permission audit is not for everything", () => {
    const error = classifyError("identity.audit_permissions", { scope: "user" });
    expect(error.details).toEqual([
      { path: ["params", "targetIds"], message: "targetIds is required unless scope is all" },
    ]);
    expect(riskOf("identity.audit_permissions", { scope: "all" })).toBe("low");
  });

  it("applies defaults when optional fields are omitted", () => {
    const { params } = catalog.classify("identity.rotate_credentials", "identity", {
      credentialId: "c",
      credentialType: "ssh_key",
      system: "bastion",
    });
    expect(params).toEqual({
      credentialId: "c",
      credentialType: "ssh_key",
      system: "bastion",
      environment: "production",
      revokePreviousAfterHours: 24,
    });
  });
});
