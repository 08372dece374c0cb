import { defineIntentType, efficiencyCents, riskMitigationCents } from "@intendedops/core";
import { z } from "zod";
import { id, isoDate } from "./param-fields";
import { privilegedFlag, touchesPrivilegedRole } from "./privileged-roles";

/** Counts above which identity intents affect enough accounts to need more scrutiny. */
export const IDENTITY_THRESHOLDS = {
  /** Completing an access review that revokes more grants than this is high risk (default medium). */
  reviewRevocationsHighAbove: 25,
  /** Enforcing MFA on more users than this in one intent is medium risk (lock-out risk; default low). */
  mfaUsersMediumAbove: 100,
} as const;

/** Minutes of human work each efficiency-valued identity intent saves. */
export const IDENTITY_MINUTES_SAVED = {
  provision_user: 30,
  assign_role: 10,
  reset_credentials: 15,
  create_group: 10,
  sync_directory: 60,
  request_access: 10,
  approve_access: 10,
} as const;

/** Default risk-mitigation value per identity intent, in cents (override with `settings.riskMitigationCents`). */
export const IDENTITY_RISK_MITIGATION_CENTS = {
  deprovision_user: 50_000,
  revoke_role: 20_000,
  initiate_access_review: 30_000,
  complete_access_review: 50_000,
  enable_mfa: 25_000,
  audit_permissions: 30_000,
  detect_anomaly: 75_000,
  rotate_credentials: 40_000,
} as const;

const userId = id("User identifier in the identity provider");
const role = z.string().min(1, "Must not be empty").describe("Role name, e.g. billing_viewer or org_admin");
const accessLevel = z.enum(["read", "write", "admin"]).describe("Level of access: read, write or admin");

export const provisionUser = defineIntentType({
  name: "identity.provision_user",
  description: "Create user account",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      email: z.email().describe("Work email; becomes the login"),
      displayName: z.string().min(1, "Must not be empty").describe("Full name shown in the directory"),
      accountType: z
        .enum(["employee", "contractor", "service"])
        .default("employee")
        .describe("Kind of account (default employee)"),
      department: z.string().min(1).optional().describe("Department the user belongs to"),
      managerId: id("Manager's user id").optional(),
      roles: z.array(role).default([]).describe("Roles granted at creation (default none)"),
      startDate: isoDate("First day the account may be used; today when omitted").optional(),
    })
    .strict(),
  escalateRisk: (p) => (p.roles.some((r) => touchesPrivilegedRole(r)) ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(IDENTITY_MINUTES_SAVED.provision_user, settings),
});

export const deprovisionUser = defineIntentType({
  name: "identity.deprovision_user",
  description: "Remove user access",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      userId,
      reason: z
        .enum(["offboarding", "termination", "contract_end", "security_incident", "inactivity"])
        .describe("Why access is removed"),
      effectiveDate: isoDate("Date access is removed; immediately when omitted").optional(),
      privileged: privilegedFlag,
      transferOwnershipTo: id("User who receives the account's files and owned resources").optional(),
      revokeSessions: z
        .boolean()
        .default(true)
        .describe("Sign the user out of every active session (default true)"),
    })
    .strict(),
  escalateRisk: (p) => (p.privileged ? "critical" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "identity.deprovision_user",
      IDENTITY_RISK_MITIGATION_CENTS.deprovision_user,
    ),
});

export const assignRole = defineIntentType({
  name: "identity.assign_role",
  description: "Assign role to user",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      userId,
      role,
      scope: z
        .string()
        .min(1)
        .default("global")
        .describe("Resource or tenant the role applies to (default global)"),
      expiresOn: isoDate("Date the assignment ends; permanent when omitted").optional(),
      privileged: privilegedFlag,
      justification: z.string().min(1).max(2000).optional().describe("Why the user needs the role"),
    })
    .strict(),
  escalateRisk: (p) => (p.privileged || touchesPrivilegedRole(p.role) ? "critical" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(IDENTITY_MINUTES_SAVED.assign_role, settings),
});

export const revokeRole = defineIntentType({
  name: "identity.revoke_role",
  description: "Remove role from user",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      userId,
      role,
      scope: z
        .string()
        .min(1)
        .default("global")
        .describe("Resource or tenant the role applies to (default global)"),
      reason: z.string().min(1, "Must not be empty").describe("Why the role is removed"),
      privileged: privilegedFlag,
    })
    .strict(),
  escalateRisk: (p) => (p.privileged || touchesPrivilegedRole(p.role) ? "critical" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.revoke_role", IDENTITY_RISK_MITIGATION_CENTS.revoke_role),
});

export const initiateAccessReview = defineIntentType({
  name: "identity.initiate_access_review",
  description: "Start access certification",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      reviewType: z
        .enum(["quarterly", "semiannual", "annual", "ad_hoc", "privileged_access"])
        .describe("Certification campaign kind"),
      scope: z
        .array(z.string().min(1, "Must not be empty"))
        .min(1, "List at least one group, department or application")
        .describe("Groups, departments or applications whose access is reviewed"),
      reviewers: z.array(userId).min(1, "List at least one reviewer").describe("User ids of the reviewers"),
      deadline: isoDate("Date by which reviewers must certify or revoke"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "identity.initiate_access_review",
      IDENTITY_RISK_MITIGATION_CENTS.initiate_access_review,
    ),
});

export const completeAccessReview = defineIntentType({
  name: "identity.complete_access_review",
  description: "Complete review cycle",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      reviewId: id("Access review campaign to close"),
      certifiedCount: z.number().int().min(0).describe("Grants the reviewers certified"),
      revokedCount: z.number().int().min(0).describe("Grants the reviewers decided to revoke"),
      applyRevocations: z
        .boolean()
        .default(true)
        .describe("Remove the revoked grants now (default true); false only records the outcome"),
      notes: z.string().max(4000).optional().describe("Summary for the audit trail"),
    })
    .strict(),
  escalateRisk: (p) =>
    p.applyRevocations && p.revokedCount > IDENTITY_THRESHOLDS.reviewRevocationsHighAbove
      ? "high"
      : undefined,
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "identity.complete_access_review",
      IDENTITY_RISK_MITIGATION_CENTS.complete_access_review,
    ),
});

export const resetCredentials = defineIntentType({
  name: "identity.reset_credentials",
  description: "Reset password/MFA",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      userId,
      credentialType: z.enum(["password", "mfa", "both"]).describe("What to reset"),
      deliveryMethod: z
        .enum(["email", "sms", "manager"])
        .default("email")
        .describe("How the reset link or temporary secret reaches the user (default email)"),
      reason: z
        .string()
        .min(1, "Must not be empty")
        .describe("Why the reset is needed, e.g. ticket reference"),
      privileged: privilegedFlag,
    })
    .strict(),
  escalateRisk: (p) => (p.privileged ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(IDENTITY_MINUTES_SAVED.reset_credentials, settings),
});

export const enableMfa = defineIntentType({
  name: "identity.enable_mfa",
  description: "Enable multi-factor auth",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      userIds: z.array(userId).min(1, "List at least one user").describe("Users who must enrol"),
      method: z.enum(["totp", "webauthn", "push", "sms"]).describe("Second factor to require"),
      gracePeriodDays: z
        .number()
        .int()
        .min(0)
        .max(90)
        .default(7)
        .describe("Days users may still sign in without enrolling (default 7)"),
    })
    .strict(),
  escalateRisk: (p) => (p.userIds.length > IDENTITY_THRESHOLDS.mfaUsersMediumAbove ? "medium" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.enable_mfa", IDENTITY_RISK_MITIGATION_CENTS.enable_mfa),
});

export const createGroup = defineIntentType({
  name: "identity.create_group",
  description: "Create security group",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      name: z.string().min(1, "Must not be empty").describe("Group name, unique in the directory"),
      description: z.string().max(1000).optional().describe("What membership grants"),
      ownerId: id("User who owns and maintains the group"),
      members: z.array(userId).default([]).describe("Initial members (default none)"),
      privileged: z
        .boolean()
        .default(false)
        .describe("Whether membership grants administrative or other privileged access"),
    })
    .strict(),
  escalateRisk: (p) => (p.privileged || touchesPrivilegedRole(p.name) ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(IDENTITY_MINUTES_SAVED.create_group, settings),
});

export const syncDirectory = defineIntentType({
  name: "identity.sync_directory",
  description: "Sync with IdP",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "low",
  params: z
    .object({
      provider: z
        .enum(["okta", "azure_ad", "google_workspace", "ldap", "jumpcloud", "onelogin"])
        .describe("Identity provider to sync with"),
      mode: z
        .enum(["incremental", "full"])
        .default("incremental")
        .describe("Incremental applies changes since the last sync; full reconciles everything"),
      deprovisionMissing: z
        .boolean()
        .default(false)
        .describe("Disable local accounts missing from the provider (default false)"),
      dryRun: z.boolean().default(false).describe("Report what would change without applying it"),
    })
    .strict(),
  escalateRisk: (p) => {
    if (p.dryRun) return undefined;
    if (p.deprovisionMissing) return "high";
    return p.mode === "full" ? "medium" : undefined;
  },
  estimateValue: (_p, settings) => efficiencyCents(IDENTITY_MINUTES_SAVED.sync_directory, settings),
});

export const auditPermissions = defineIntentType({
  name: "identity.audit_permissions",
  description: "Audit user permissions",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      scope: z.enum(["user", "group", "application", "all"]).describe("What to audit"),
      targetIds: z
        .array(id("User, group or application id"))
        .min(1, "List at least one target")
        .optional()
        .describe("Ids to audit; required unless scope is all"),
      includeInactive: z.boolean().default(false).describe("Also audit disabled accounts (default false)"),
    })
    .strict()
    .refine((p) => p.scope === "all" || p.targetIds !== undefined, {
      path: ["targetIds"],
      message: "Required unless scope is all",
    }),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "identity.audit_permissions",
      IDENTITY_RISK_MITIGATION_CENTS.audit_permissions,
    ),
});

export const requestAccess = defineIntentType({
  name: "identity.request_access",
  description: "Self-service access request",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      userId,
      resource: z.string().min(1, "Must not be empty").describe("Application, group or system requested"),
      accessLevel,
      justification: z.string().min(1, "Must not be empty").describe("Business reason for the access"),
      durationDays: z
        .number()
        .int()
        .min(1)
        .max(365)
        .optional()
        .describe("Days the access should last; permanent when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(IDENTITY_MINUTES_SAVED.request_access, settings),
});

export const approveAccess = defineIntentType({
  name: "identity.approve_access",
  description: "Approve access request",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "medium",
  params: z
    .object({
      requestId: id("Access request being approved"),
      userId,
      resource: z.string().min(1, "Must not be empty").describe("Application, group or system granted"),
      accessLevel,
      expiresOn: isoDate("Date the granted access ends; permanent when omitted").optional(),
    })
    .strict(),
  escalateRisk: (p) => (p.accessLevel === "admin" ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(IDENTITY_MINUTES_SAVED.approve_access, settings),
});

export const detectAnomaly = defineIntentType({
  name: "identity.detect_anomaly",
  description: "Flag suspicious activity",
  valueCategory: "risk_mitigation",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      userId,
      anomalyType: z
        .enum([
          "impossible_travel",
          "unusual_login_time",
          "new_device",
          "brute_force",
          "mass_download",
          "privilege_escalation",
          "other",
        ])
        .describe("Kind of suspicious activity"),
      severity: z.enum(["low", "medium", "high", "critical"]).describe("Assessed severity of the finding"),
      evidence: z.string().max(4000).optional().describe("What was observed: events, IPs, timestamps"),
      suspendAccount: z
        .boolean()
        .default(false)
        .describe("Suspend the account until a human clears it (default false)"),
    })
    .strict(),
  // Flagging is harmless; locking someone out is not.
  escalateRisk: (p) => (p.suspendAccount ? "high" : undefined),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "identity.detect_anomaly", IDENTITY_RISK_MITIGATION_CENTS.detect_anomaly),
});

export const rotateCredentials = defineIntentType({
  name: "identity.rotate_credentials",
  description: "Rotate service credentials",
  valueCategory: "risk_mitigation",
  intentClass: "admin",
  defaultRisk: "high",
  params: z
    .object({
      credentialId: id("Credential or secret to rotate"),
      credentialType: z
        .enum([
          "api_key",
          "service_account_key",
          "database_password",
          "ssh_key",
          "certificate",
          "oauth_client_secret",
        ])
        .describe("Kind of credential"),
      system: z.string().min(1, "Must not be empty").describe("System that uses the credential"),
      environment: z
        .enum(["production", "staging", "development"])
        .default("production")
        .describe("Environment the credential serves (default production)"),
      revokePreviousAfterHours: z
        .number()
        .int()
        .min(0)
        .max(720)
        .default(24)
        .describe("Hours the old credential keeps working after rotation; 0 revokes it at once (default 24)"),
    })
    .strict(),
  // Revoking a production secret with no overlap breaks every consumer not yet updated.
  escalateRisk: (p) =>
    p.environment === "production" && p.revokePreviousAfterHours === 0 ? "critical" : undefined,
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "identity.rotate_credentials",
      IDENTITY_RISK_MITIGATION_CENTS.rotate_credentials,
    ),
});

export type ProvisionUserParams = z.input<typeof provisionUser.params>;
export type DeprovisionUserParams = z.input<typeof deprovisionUser.params>;
export type AssignRoleParams = z.input<typeof assignRole.params>;
export type RevokeRoleParams = z.input<typeof revokeRole.params>;
export type InitiateAccessReviewParams = z.input<typeof initiateAccessReview.params>;
export type CompleteAccessReviewParams = z.input<typeof completeAccessReview.params>;
export type ResetCredentialsParams = z.input<typeof resetCredentials.params>;
export type EnableMfaParams = z.input<typeof enableMfa.params>;
export type CreateGroupParams = z.input<typeof createGroup.params>;
export type SyncDirectoryParams = z.input<typeof syncDirectory.params>;
export type AuditPermissionsParams = z.input<typeof auditPermissions.params>;
export type RequestAccessParams = z.input<typeof requestAccess.params>;
export type ApproveAccessParams = z.input<typeof approveAccess.params>;
export type DetectAnomalyParams = z.input<typeof detectAnomaly.params>;
export type RotateCredentialsParams = z.input<typeof rotateCredentials.params>;
