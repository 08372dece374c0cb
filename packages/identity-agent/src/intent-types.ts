import {
  dateField,
  defineIntentType,
  efficiencyCents,
  emailField,
  idField,
  riskMitigationCents,
  textField,
} from "@intendedops/core";
import { z } from "zod";
import { isPrivilegedName, IDENTITY_THRESHOLDS as T } from "./risk-thresholds";
import {
  IDENTITY_MINUTES_SAVED as MINUTES,
  IDENTITY_RISK_MITIGATION_CENTS as RISK_MITIGATION,
} from "./value-defaults";

/** The caller's statement that the account, role or group carries privileged access. */
const privilegedField = () =>
  z.boolean().default(false).describe("Whether it carries administrative or other privileged access");

const roleField = () => textField("Role name, e.g. billing_viewer or org_admin", 200);

export const ACCESS_LEVELS = ["read", "write", "admin"] as const;

export const ACCOUNT_TYPES = ["employee", "contractor", "service"] as const;

export const provisionUserType = defineIntentType({
  name: "identity.provision_user",
  description: "Create user account",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      email: emailField("Work email; becomes the login"),
      displayName: textField("Full name shown in the directory", 200),
      accountType: z.enum(ACCOUNT_TYPES).default("employee").describe("Kind of account"),
      department: textField("Department the user belongs to", 200).optional(),
      managerId: idField("Manager's user id").optional(),
      roles: z.array(roleField()).max(50).default([]).describe("Roles granted at creation"),
      startDate: dateField("First day the account may be used (YYYY-MM-DD); today when omitted").optional(),
    })
    .strict(),
  escalateRisk: (p) => (p.roles.some(isPrivilegedName) ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.provision_user, settings),
});

export const DEPROVISION_REASONS = [
  "offboarding",
  "termination",
  "contract_end",
  "security_incident",
  "inactivity",
] as const;

export const deprovisionUserType = defineIntentType({
  name: "identity.deprovision_user",
  description: "Remove user access",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      userId: idField("User whose access is removed, e.g. user_123"),
      reason: z.enum(DEPROVISION_REASONS).describe("Why access is removed"),
      effectiveDate: dateField("Date access is removed (YYYY-MM-DD); immediately when omitted").optional(),
      privileged: privilegedField(),
      transferOwnershipTo: idField("User who receives the account's files and owned resources").optional(),
      revokeSessions: z.boolean().default(true).describe("Sign the user out of every active session"),
    })
    .strict(),
  escalateRisk: (p) => (p.privileged ? "critical" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.deprovision_user", RISK_MITIGATION.deprovision_user),
});

export const assignRoleType = defineIntentType({
  name: "identity.assign_role",
  description: "Assign role to user",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      userId: idField("User who receives the role"),
      role: roleField(),
      scope: textField("Resource or workspace the role applies to", 200).default("global"),
      expiresOn: dateField("Date the assignment ends (YYYY-MM-DD); permanent when omitted").optional(),
      privileged: privilegedField(),
      justification: textField("Why the user needs the role").optional(),
    })
    .strict(),
  escalateRisk: (p) => (p.privileged || isPrivilegedName(p.role) ? "critical" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.assign_role, settings),
});

export const revokeRoleType = defineIntentType({
  name: "identity.revoke_role",
  description: "Remove role from user",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      userId: idField("User who loses the role"),
      role: roleField(),
      scope: textField("Resource or workspace the role applies to", 200).default("global"),
      reason: textField("Why the role is removed"),
      privileged: privilegedField(),
    })
    .strict(),
  // Removing an admin role can lock the organisation out of a system as surely as granting one exposes it.
  escalateRisk: (p) => (p.privileged || isPrivilegedName(p.role) ? "critical" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.revoke_role", RISK_MITIGATION.revoke_role),
});

export const ACCESS_REVIEW_TYPES = [
  "quarterly",
  "semiannual",
  "annual",
  "ad_hoc",
  "privileged_access",
] as const;

export const initiateAccessReviewType = defineIntentType({
  name: "identity.initiate_access_review",
  description: "Start access certification",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      reviewType: z.enum(ACCESS_REVIEW_TYPES).describe("Certification campaign kind"),
      scope: z
        .array(textField("Group, department or application, e.g. engineering", 200))
        .min(1, "List at least one group, department or application")
        .describe("What the review covers"),
      reviewers: z
        .array(idField("Reviewer's user id, e.g. manager_123"))
        .min(1, "List at least one reviewer")
        .describe("Who certifies or revokes the access"),
      deadline: dateField("Date by which reviewers must decide (YYYY-MM-DD)"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.initiate_access_review", RISK_MITIGATION.initiate_access_review),
});

export const completeAccessReviewType = defineIntentType({
  name: "identity.complete_access_review",
  description: "Complete review cycle",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      reviewId: idField("Access review campaign to close"),
      certifiedCount: z.number().int().min(0).describe("Grants the reviewers certified"),
      revokedCount: z.number().int().min(0).describe("Grants the reviewers decided to revoke"),
      applyRevocations: z
        .boolean()
        .default(true)
        .describe("Remove the revoked grants now; false only records the outcome"),
      notes: textField("Summary for the audit trail", 4_000).optional(),
    })
    .strict(),
  escalateRisk: (p) =>
    p.applyRevocations && p.revokedCount > T.reviewRevocationsHighAbove ? "high" : undefined,
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.complete_access_review", RISK_MITIGATION.complete_access_review),
});

export const CREDENTIAL_RESET_KINDS = ["password", "mfa", "both"] as const;

export const RESET_DELIVERY_METHODS = ["email", "sms", "manager"] as const;

export const resetCredentialsType = defineIntentType({
  name: "identity.reset_credentials",
  description: "Reset password/MFA",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      userId: idField("User whose credentials are reset"),
      credentialType: z.enum(CREDENTIAL_RESET_KINDS).describe("What to reset"),
      deliveryMethod: z
        .enum(RESET_DELIVERY_METHODS)
        .default("email")
        .describe("How the reset link or temporary secret reaches the user"),
      reason: textField("Why the reset is needed, e.g. a ticket reference"),
      privileged: privilegedField(),
    })
    .strict(),
  // A reset is the classic account-takeover path; on an admin account a human should confirm it.
  escalateRisk: (p) => (p.privileged ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.reset_credentials, settings),
});

export const MFA_METHODS = ["totp", "webauthn", "push", "sms"] as const;

export const enableMfaType = defineIntentType({
  name: "identity.enable_mfa",
  description: "Enable multi-factor auth",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      userIds: z
        .array(idField("User who must enrol"))
        .min(1, "List at least one user")
        .max(10_000)
        .describe("Users who must enrol"),
      method: z.enum(MFA_METHODS).describe("Second factor to require"),
      gracePeriodDays: z
        .number()
        .int()
        .min(0)
        .max(90)
        .default(7)
        .describe("Days users may still sign in without enrolling"),
    })
    .strict(),
  escalateRisk: (p) => (p.userIds.length > T.mfaUsersMediumAbove ? "medium" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.enable_mfa", RISK_MITIGATION.enable_mfa),
});

export const createGroupType = defineIntentType({
  name: "identity.create_group",
  description: "Create security group",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      name: textField("Group name, unique in the directory", 200),
      description: textField("What membership grants", 1_000).optional(),
      ownerId: idField("User who owns and maintains the group"),
      members: z.array(idField("Member's user id")).max(10_000).default([]).describe("Initial members"),
      privileged: privilegedField(),
    })
    .strict(),
  escalateRisk: (p) => (p.privileged || isPrivilegedName(p.name) ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.create_group, settings),
});

export const IDENTITY_PROVIDERS = [
  "okta",
  "azure_ad",
  "google_workspace",
  "ldap",
  "jumpcloud",
  "onelogin",
] as const;

export const SYNC_MODES = ["incremental", "full"] as const;

export const syncDirectoryType = defineIntentType({
  name: "identity.sync_directory",
  description: "Sync with IdP",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "low",
  params: z
    .object({
      provider: z.enum(IDENTITY_PROVIDERS).describe("Identity provider to sync with"),
      mode: z
        .enum(SYNC_MODES)
        .default("incremental")
        .describe("incremental applies changes since the last sync; full reconciles every account"),
      deprovisionMissing: z
        .boolean()
        .default(false)
        .describe("Disable local accounts that are missing from the provider"),
      dryRun: z.boolean().default(false).describe("Report what would change without applying it"),
    })
    .strict(),
  // A sync that may disable accounts is a bulk deprovisioning; a dry run changes nothing.
  escalateRisk: (p) => {
    if (p.dryRun) return undefined;
    if (p.deprovisionMissing) return "high";
    return p.mode === "full" ? "medium" : undefined;
  },
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.sync_directory, settings),
});

export const AUDIT_SCOPES = ["user", "group", "application", "all"] as const;

export const auditPermissionsType = defineIntentType({
  name: "identity.audit_permissions",
  description: "Audit user permissions",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      scope: z.enum(AUDIT_SCOPES).describe("What to audit"),
      targetIds: z
        .array(idField("User, group or application id"))
        .min(1, "List at least one target")
        .optional()
        .describe("Ids to audit; required unless scope is all"),
      includeInactive: z.boolean().default(false).describe("Also audit disabled accounts"),
    })
    .strict()
    .refine((p) => p.scope === "all" || p.targetIds !== undefined, {
      path: ["targetIds"],
      message: "targetIds is required unless scope is all",
    }),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.audit_permissions", RISK_MITIGATION.audit_permissions),
});

export const requestAccessType = defineIntentType({
  name: "identity.request_access",
  description: "Self-service access request",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      userId: idField("User who needs the access"),
      resource: textField("Application, group or system requested", 200),
      accessLevel: z.enum(ACCESS_LEVELS).describe("Level of access requested"),
      justification: textField("Business reason for the access"),
      durationDays: z
        .number()
        .int()
        .min(1)
        .max(365)
        .optional()
        .describe("Days the access should last; permanent when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.request_access, settings),
});

export const approveAccessType = defineIntentType({
  name: "identity.approve_access",
  description: "Approve access request",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "medium",
  params: z
    .object({
      requestId: idField("Access request being approved"),
      userId: idField("User who receives the access"),
      resource: textField("Application, group or system granted", 200),
      accessLevel: z.enum(ACCESS_LEVELS).describe("Level of access granted"),
      expiresOn: dateField("Date the access ends (YYYY-MM-DD); permanent when omitted").optional(),
    })
    .strict(),
  escalateRisk: (p) => (p.accessLevel === "admin" ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.approve_access, settings),
});

export const ANOMALY_TYPES = [
  "impossible_travel",
  "unusual_login_time",
  "new_device",
  "brute_force",
  "mass_download",
  "privilege_escalation",
  "other",
] as const;

export const ANOMALY_SEVERITIES = ["low", "medium", "high", "critical"] as const;

export const detectAnomalyType = defineIntentType({
  name: "identity.detect_anomaly",
  description: "Flag suspicious activity",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      userId: idField("User whose activity is suspicious"),
      anomalyType: z.enum(ANOMALY_TYPES).describe("Kind of suspicious activity"),
      severity: z.enum(ANOMALY_SEVERITIES).describe("Assessed severity of the finding"),
      evidence: textField("What was observed: events, IP addresses, timestamps", 4_000).optional(),
      suspendAccount: z.boolean().default(false).describe("Suspend the account until a human clears it"),
    })
    .strict(),
  // Flagging is harmless; locking someone out is not.
  escalateRisk: (p) => (p.suspendAccount ? "high" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.detect_anomaly", RISK_MITIGATION.detect_anomaly),
});

export const CREDENTIAL_TYPES = [
  "api_key",
  "service_account_key",
  "database_password",
  "ssh_key",
  "certificate",
  "oauth_client_secret",
] as const;

export const ENVIRONMENTS = ["production", "staging", "development"] as const;

export const rotateCredentialsType = defineIntentType({
  name: "identity.rotate_credentials",
  description: "Rotate service credentials",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      credentialId: idField("Credential or secret to rotate"),
      credentialType: z.enum(CREDENTIAL_TYPES).describe("Kind of credential"),
      system: textField("System that uses the credential", 200),
      environment: z.enum(ENVIRONMENTS).default("production").describe("Environment the credential serves"),
      revokePreviousAfterHours: z
        .number()
        .int()
        .min(0)
        .max(720)
        .default(24)
        .describe("Hours the old credential keeps working after rotation; 0 revokes it at once"),
    })
    .strict(),
  // Revoking a production secret with no overlap breaks every consumer not yet updated.
  escalateRisk: (p) =>
    p.environment === "production" && p.revokePreviousAfterHours === 0 ? "critical" : undefined,
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.rotate_credentials", RISK_MITIGATION.rotate_credentials),
});

export type ProvisionUserParams = z.input<typeof provisionUserType.params>;
export type DeprovisionUserParams = z.input<typeof deprovisionUserType.params>;
export type AssignRoleParams = z.input<typeof assignRoleType.params>;
export type RevokeRoleParams = z.input<typeof revokeRoleType.params>;
export type InitiateAccessReviewParams = z.input<typeof initiateAccessReviewType.params>;
export type CompleteAccessReviewParams = z.input<typeof completeAccessReviewType.params>;
export type ResetCredentialsParams = z.input<typeof resetCredentialsType.params>;
export type EnableMfaParams = z.input<typeof enableMfaType.params>;
export type CreateGroupParams = z.input<typeof createGroupType.params>;
export type SyncDirectoryParams = z.input<typeof syncDirectoryType.params>;
export type AuditPermissionsParams = z.input<typeof auditPermissionsType.params>;
export type RequestAccessParams = z.input<typeof requestAccessType.params>;
export type ApproveAccessParams = z.input<typeof approveAccessType.params>;
export type DetectAnomalyParams = z.input<typeof detectAnomalyType.params>;
export type RotateCredentialsParams = z.input<typeof rotateCredentialsType.params>;
