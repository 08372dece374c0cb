import { defineIntentType, efficiencyCents, revenueCents, riskMitigationCents } from "@intendedops/core";
import { z } from "zod";
import { currency, id, isoDate, money } from "./param-fields";

/**
 * Contract values (major currency unit, in the intent's own currency, no conversion) above
 * which contract intents need more scrutiny. An auto-renewal commits the customer and us to
 * another term without anyone re-reading the deal, so large ones deserve a human look.
 */
export const CONTRACTS_THRESHOLDS = {
  /** Drafting an agreement worth more than this is medium risk (default low). */
  agreementMediumAbove: 100_000,
  /** Drafting an agreement worth more than this is high risk. */
  agreementHighAbove: 1_000_000,
  /** An amendment that sets the contract value above this is high risk (default medium). */
  amendmentHighAbove: 100_000,
  /** Auto-renewing a contract whose renewal value exceeds this is high risk (default medium). */
  autoRenewHighAbove: 50_000,
  /** Auto-renewing a contract whose renewal value exceeds this is critical. */
  autoRenewCriticalAbove: 500_000,
} as const;

/** Minutes of human work each efficiency-valued contract intent saves. */
export const CONTRACTS_MINUTES_SAVED = {
  create_agreement: 90,
  send_for_signature: 15,
  generate_amendment: 60,
  archive_contract: 10,
  request_approval: 15,
  extract_terms: 45,
  compare_versions: 40,
} as const;

/** Default risk-mitigation value per contract intent, in cents (override with `settings.riskMitigationCents`). */
export const CONTRACTS_RISK_MITIGATION_CENTS = {
  notify_expiration: 20_000,
  track_obligation: 30_000,
} as const;

const contractId = id("Contract identifier in the contract repository");

const agreementType = z
  .enum(["msa", "nda", "sow", "dpa", "order_form", "license", "other"])
  .describe("Kind of agreement");

export const createAgreement = defineIntentType({
  name: "contracts.create_agreement",
  description: "Create new contract",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      counterpartyName: z.string().min(1, "Must not be empty").describe("Legal name of the other party"),
      agreementType,
      templateId: id("Contract template to draft from; blank draft when omitted").optional(),
      value: money("Total contract value").optional(),
      currency: currency(),
      startDate: isoDate("Date the agreement takes effect"),
      endDate: isoDate("Date the agreement ends; open-ended when omitted").optional(),
      ownerEmail: z.email().optional().describe("Internal owner of the contract"),
    })
    .strict()
    .refine((p) => p.endDate === undefined || p.endDate >= p.startDate, {
      path: ["endDate"],
      message: "Must not be before startDate",
    }),
  escalateRisk: (p) => {
    const value = p.value ?? 0;
    if (value > CONTRACTS_THRESHOLDS.agreementHighAbove) return "high";
    if (value > CONTRACTS_THRESHOLDS.agreementMediumAbove) return "medium";
    return undefined;
  },
  estimateValue: (_p, settings) => efficiencyCents(CONTRACTS_MINUTES_SAVED.create_agreement, settings),
});

const signer = z
  .object({
    email: z.email().describe("Signer's email address; the signing link goes here"),
    name: z.string().min(1, "Must not be empty").describe("Signer's full name as it appears on the contract"),
    order: z.number().int().min(1).describe("Signing position, 1 signs first"),
  })
  .strict();

export const sendForSignature = defineIntentType({
  name: "contracts.send_for_signature",
  description: "Send for e-signature",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      contractId,
      signers: z.array(signer).min(1, "List at least one signer").describe("Who signs, in which order"),
      deadline: isoDate("Date by which all signatures are due"),
      reminderDays: z
        .array(z.number().int().min(1).max(365))
        .optional()
        .describe("Send reminders this many days before the deadline, e.g. [7, 3, 1]"),
      message: z.string().min(1).max(2000).optional().describe("Note included in the signature request"),
    })
    .strict()
    .refine((p) => new Set(p.signers.map((s) => s.email.toLowerCase())).size === p.signers.length, {
      path: ["signers"],
      message: "Each signer must have a distinct email",
    }),
  estimateValue: (_p, settings) => efficiencyCents(CONTRACTS_MINUTES_SAVED.send_for_signature, settings),
});

export const generateAmendment = defineIntentType({
  name: "contracts.generate_amendment",
  description: "Create amendment",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      contractId,
      changes: z
        .array(
          z
            .object({
              clause: z
                .string()
                .min(1, "Must not be empty")
                .describe("Clause or section being changed, e.g. 4.2"),
              summary: z
                .string()
                .min(1, "Must not be empty")
                .describe("Plain-language description of the change"),
            })
            .strict(),
        )
        .min(1, "List at least one change")
        .describe("Changes the amendment makes"),
      effectiveDate: isoDate("Date the amendment takes effect"),
      newValue: money("Total contract value after the amendment, when it changes").optional(),
      currency: currency(),
    })
    .strict(),
  escalateRisk: (p) => ((p.newValue ?? 0) > CONTRACTS_THRESHOLDS.amendmentHighAbove ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(CONTRACTS_MINUTES_SAVED.generate_amendment, settings),
});

export const notifyExpiration = defineIntentType({
  name: "contracts.notify_expiration",
  description: "Send expiration notice",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contractId,
      expirationDate: isoDate("Date the contract expires"),
      recipients: z
        .array(z.email())
        .min(1, "List at least one recipient")
        .describe("Who receives the notice"),
      daysBeforeExpiration: z
        .number()
        .int()
        .min(0)
        .max(365)
        .optional()
        .describe("Days left before expiry at the time of the notice"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "contracts.notify_expiration",
      CONTRACTS_RISK_MITIGATION_CENTS.notify_expiration,
    ),
});

export const archiveContract = defineIntentType({
  name: "contracts.archive_contract",
  description: "Archive completed contract",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "low",
  params: z
    .object({
      contractId,
      reason: z
        .enum(["completed", "expired", "terminated", "superseded"])
        .describe("Why the contract is archived"),
      retentionYears: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(7)
        .describe("Years to keep the archived contract before disposal (default 7)"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(CONTRACTS_MINUTES_SAVED.archive_contract, settings),
});

export const requestApproval = defineIntentType({
  name: "contracts.request_approval",
  description: "Route for internal approval",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contractId,
      approvalType: z
        .enum(["legal", "finance", "security", "procurement", "executive"])
        .describe("Which internal function must approve"),
      approvers: z
        .array(id("Approver user id"))
        .min(1, "List at least one approver")
        .describe("Who must approve"),
      dueDate: isoDate("Date the approval is needed by").optional(),
      notes: z.string().max(2000).optional().describe("Context for the approvers"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(CONTRACTS_MINUTES_SAVED.request_approval, settings),
});

export const trackObligation = defineIntentType({
  name: "contracts.track_obligation",
  description: "Track contract obligations",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contractId,
      obligation: z
        .string()
        .min(1, "Must not be empty")
        .describe("What must be done, e.g. deliver quarterly SLA report"),
      ownerId: id("User responsible for meeting the obligation"),
      dueDate: isoDate("Date the obligation (or its first occurrence) is due"),
      recurrence: z
        .enum(["none", "monthly", "quarterly", "annually"])
        .default("none")
        .describe("How often the obligation repeats (default none)"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(
      settings,
      "contracts.track_obligation",
      CONTRACTS_RISK_MITIGATION_CENTS.track_obligation,
    ),
});

export const extractTerms = defineIntentType({
  name: "contracts.extract_terms",
  description: "AI extraction of key terms",
  valueCategory: "efficiency",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      contractId,
      terms: z
        .array(
          z.enum([
            "parties",
            "effective_date",
            "term",
            "renewal",
            "termination",
            "payment",
            "liability",
            "governing_law",
            "confidentiality",
          ]),
        )
        .min(1, "List at least one term")
        .optional()
        .describe("Terms to extract; all when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(CONTRACTS_MINUTES_SAVED.extract_terms, settings),
});

export const compareVersions = defineIntentType({
  name: "contracts.compare_versions",
  description: "Compare contract versions",
  valueCategory: "efficiency",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      contractId,
      baseVersion: id("Version to compare from"),
      compareVersion: id("Version to compare against the base"),
    })
    .strict()
    .refine((p) => p.baseVersion !== p.compareVersion, {
      path: ["compareVersion"],
      message: "Must differ from baseVersion",
    }),
  estimateValue: (_p, settings) => efficiencyCents(CONTRACTS_MINUTES_SAVED.compare_versions, settings),
});

export const autoRenew = defineIntentType({
  name: "contracts.auto_renew",
  description: "Process auto-renewal",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      contractId,
      renewalTermMonths: z.number().int().min(1).max(120).describe("Length of the renewal term in months"),
      renewalValue: money("Total contract value of the renewal term"),
      currency: currency(),
      priceIncreasePercent: z
        .number()
        .min(0)
        .max(100)
        .optional()
        .describe("Uplift applied to the renewal price, in percent"),
    })
    .strict(),
  escalateRisk: (p) => {
    if (p.renewalValue > CONTRACTS_THRESHOLDS.autoRenewCriticalAbove) return "critical";
    if (p.renewalValue > CONTRACTS_THRESHOLDS.autoRenewHighAbove) return "high";
    return undefined;
  },
  estimateValue: (p) => revenueCents(p.renewalValue),
});

export type CreateAgreementParams = z.input<typeof createAgreement.params>;
export type SendForSignatureParams = z.input<typeof sendForSignature.params>;
export type GenerateAmendmentParams = z.input<typeof generateAmendment.params>;
export type NotifyExpirationParams = z.input<typeof notifyExpiration.params>;
export type ArchiveContractParams = z.input<typeof archiveContract.params>;
export type RequestApprovalParams = z.input<typeof requestApproval.params>;
export type TrackObligationParams = z.input<typeof trackObligation.params>;
export type ExtractTermsParams = z.input<typeof extractTerms.params>;
export type CompareVersionsParams = z.input<typeof compareVersions.params>;
export type AutoRenewParams = z.input<typeof autoRenew.params>;
