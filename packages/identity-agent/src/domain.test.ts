import { readFileSync } from "node:fs";
import {
  describeDomainConformance,
  describeReadmeConformance,
  probeDomain,
} from "@intendedops/domain-testkit";
import { describe, expect, it } from "vitest";
import { identityDomain } from "./domain";
import { identityFixtures } from "./fixtures";
import { isPrivilegedName, IDENTITY_THRESHOLDS as T } from "./risk-thresholds";
import { IDENTITY_MINUTES_SAVED, IDENTITY_RISK_MITIGATION_CENTS } from "./value-defaults";

const { rejectionOf, riskOf } = probeDomain(identityDomain);

describeDomainConformance({
  domain: identityDomain,
  fixtures: identityFixtures,
  types: {
    "identity.provision_user": ["Create user account", "efficiency", "medium", 3_000],
    "identity.deprovision_user": ["Remove user access", "risk_mitigation", "high", 50_000],
    "identity.assign_role": ["Assign role to user", "efficiency", "high", 1_000],
    "identity.revoke_role": ["Remove role from user", "risk_mitigation", "high", 20_000],
    "identity.initiate_access_review": ["Start access certification", "risk_mitigation", "low", 30_000],
    "identity.complete_access_review": ["Complete review cycle", "risk_mitigation", "medium", 50_000],
    "identity.reset_credentials": ["Reset password/MFA", "efficiency", "medium", 1_500],
    "identity.enable_mfa": ["Enable multi-factor auth", "risk_mitigation", "low", 25_000],
    "identity.create_group": ["Create security group", "efficiency", "low", 1_000],
    "identity.sync_directory": ["Sync with IdP", "efficiency", "low", 6_000],
    "identity.audit_permissions": ["Audit user permissions", "risk_mitigation", "low", 30_000],
    "identity.request_access": ["Self-service access request", "efficiency", "low", 1_000],
    "identity.approve_access": ["Approve access request", "efficiency", "medium", 1_000],
    "identity.detect_anomaly": ["Flag suspicious activity", "risk_mitigation", "low", 75_000],
    "identity.rotate_credentials": ["Rotate service credentials", "risk_mitigation", "high", 40_000],
  },
  typo: { usrId: "x" },
  guideExamples: [
    {
      type: "identity.initiate_access_review",
      params: {
        reviewType: "quarterly",
        scope: ["engineering", "finance"],
        reviewers: ["manager_123", "security_456"],
        deadline: "2026-02-28",
      },
      risk: "low",
    },
  ],
  escalations: [
    {
      type: "identity.complete_access_review",
      base: { reviewId: "r", certifiedCount: 10 },
      field: "revokedCount",
      limit: T.reviewRevocationsHighAbove,
      atLimit: "medium",
      above: "high",
    },
    {
      type: "identity.enable_mfa",
      base: { method: "totp" },
      field: "userIds",
      limit: T.mfaUsersMediumAbove,
      atLimit: "low",
      above: "medium",
      valueFor: (n) => Array.from({ length: n }, (_, i) => `user_${i}`),
    },
  ],
  defaults: [
    {
      type: "identity.rotate_credentials",
      params: { credentialId: "c", credentialType: "ssh_key", system: "bastion" },
      parsed: {
        credentialId: "c",
        credentialType: "ssh_key",
        system: "bastion",
        environment: "production",
        revokePreviousAfterHours: 24,
      },
    },
  ],
  estimators: {
    minutesSaved: IDENTITY_MINUTES_SAVED,
    riskMitigationCents: IDENTITY_RISK_MITIGATION_CENTS,
  },
});

describeReadmeConformance(identityDomain, readFileSync(new URL("../README.md", import.meta.url), "utf8"));

describe("identity.initiate_access_review", () => {
  it("reports params paths when required fields are missing", () => {
    const error = rejectionOf("identity.initiate_access_review", { reviewType: "quarterly" });
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

  it("keeps completing a review medium when its revocations are not applied", () => {
    const params = { reviewId: "r", certifiedCount: 10, revokedCount: T.reviewRevocationsHighAbove + 1 };
    expect(riskOf("identity.complete_access_review", { ...params, applyRevocations: false })).toBe("medium");
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

describe("identity params rules", () => {
  it("requires targets when the permission audit is not for everything", () => {
    const error = rejectionOf("identity.audit_permissions", { scope: "user" });
    expect(error.details).toEqual([
      { path: ["params", "targetIds"], message: "targetIds is required unless scope is all" },
    ]);
    expect(riskOf("identity.audit_permissions", { scope: "all" })).toBe("low");
  });
});
