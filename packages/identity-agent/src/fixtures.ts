import type { ParamsFixture } from "@intendedops/core";
import type { IdentityTypeName } from "./domain";

/**
 * One valid and one invalid params example per identity intent type, for this package's
 * tests and the API's. `initiate_access_review`'s valid example is the guide's, verbatim.
 */
export const identityFixtures: Record<IdentityTypeName, ParamsFixture> = {
  "identity.provision_user": {
    valid: {
      email: "new.hire@example.com",
      displayName: "Ada Lovelace",
      department: "engineering",
      managerId: "manager_123",
      roles: ["developer"],
      startDate: "2026-02-02",
    },
    invalid: { email: "new.hire@example.com", displayName: "Ada Lovelace", accountType: "robot" },
    invalidField: "accountType",
  },
  "identity.deprovision_user": {
    valid: {
      userId: "user_123",
      reason: "offboarding",
      effectiveDate: "2026-01-31",
      transferOwnershipTo: "user_9",
    },
    invalid: { userId: "user_123", reason: "offboarding", privileged: "yes" },
    invalidField: "privileged",
  },
  "identity.assign_role": {
    valid: { userId: "user_123", role: "billing_viewer", expiresOn: "2026-06-30" },
    invalid: { userId: "user_123", role: "" },
    invalidField: "role",
  },
  "identity.revoke_role": {
    valid: { userId: "user_123", role: "billing_viewer", reason: "Moved to another team" },
    invalid: { userId: "user_123", role: "billing_viewer" },
    invalidField: "reason",
  },
  "identity.initiate_access_review": {
    valid: {
      reviewType: "quarterly",
      scope: ["engineering", "finance"],
      reviewers: ["manager_123", "security_456"],
      deadline: "2026-02-28",
    },
    invalid: {
      reviewType: "quarterly",
      scope: ["engineering", "finance"],
      reviewers: ["manager_123", "security_456"],
      deadline: "2026-02-30",
    },
    invalidField: "deadline",
  },
  "identity.complete_access_review": {
    valid: {
      reviewId: "review_2026_q1",
      certifiedCount: 412,
      revokedCount: 9,
      notes: "Q1 certification closed",
    },
    invalid: { reviewId: "review_2026_q1", certifiedCount: 412, revokedCount: -1 },
    invalidField: "revokedCount",
  },
  "identity.reset_credentials": {
    valid: { userId: "user_123", credentialType: "password", reason: "Ticket HELP-4411: locked out" },
    invalid: {
      userId: "user_123",
      credentialType: "password",
      deliveryMethod: "pigeon",
      reason: "HELP-4411",
    },
    invalidField: "deliveryMethod",
  },
  "identity.enable_mfa": {
    valid: { userIds: ["user_123", "user_124"], method: "webauthn", gracePeriodDays: 14 },
    invalid: { userIds: [], method: "webauthn" },
    invalidField: "userIds",
  },
  "identity.create_group": {
    valid: { name: "finance-readers", ownerId: "manager_123", members: ["user_123"] },
    invalid: { name: "finance-readers", members: ["user_123"] },
    invalidField: "ownerId",
  },
  "identity.sync_directory": {
    valid: { provider: "okta", mode: "incremental" },
    invalid: { provider: "myspace" },
    invalidField: "provider",
  },
  "identity.audit_permissions": {
    valid: { scope: "group", targetIds: ["grp_finance"], includeInactive: true },
    invalid: { scope: "group" },
    invalidField: "targetIds",
  },
  "identity.request_access": {
    valid: {
      userId: "user_123",
      resource: "snowflake-analytics",
      accessLevel: "read",
      justification: "Quarterly revenue analysis",
      durationDays: 30,
    },
    invalid: { userId: "user_123", resource: "snowflake-analytics", accessLevel: "read", justification: "" },
    invalidField: "justification",
  },
  "identity.approve_access": {
    valid: {
      requestId: "req_789",
      userId: "user_123",
      resource: "snowflake-analytics",
      accessLevel: "read",
      expiresOn: "2026-03-01",
    },
    invalid: {
      requestId: "req_789",
      userId: "user_123",
      resource: "snowflake-analytics",
      accessLevel: "god",
    },
    invalidField: "accessLevel",
  },
  "identity.detect_anomaly": {
    valid: {
      userId: "user_123",
      anomalyType: "impossible_travel",
      severity: "medium",
      evidence: "Logins from Lisbon and Singapore 20 minutes apart",
    },
    invalid: { userId: "user_123", anomalyType: "impossible_travel", severity: "apocalyptic" },
    invalidField: "severity",
  },
  "identity.rotate_credentials": {
    valid: {
      credentialId: "secret_db_reporting",
      credentialType: "database_password",
      system: "reporting-db",
      environment: "staging",
    },
    invalid: {
      credentialId: "secret_db_reporting",
      credentialType: "database_password",
      system: "reporting-db",
      revokePreviousAfterHours: 1_000,
    },
    invalidField: "revokePreviousAfterHours",
  },
};
