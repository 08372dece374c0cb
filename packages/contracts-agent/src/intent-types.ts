import {
  amountField,
  currencyField,
  dateField,
  dateOrderOk,
  defineIntentType,
  efficiencyCents,
  emailField,
  idField,
  riskForAmount,
  riskMitigationCents,
  textField,
  usdRevenueCents,
} from "@intendedops/core";
import { z } from "zod";
import { CONTRACTS_THRESHOLDS as T } from "./risk-thresholds";
import {
  CONTRACTS_MINUTES_SAVED as MINUTES,
  CONTRACTS_RISK_MITIGATION_CENTS as RISK_MITIGATION,
} from "./value-defaults";

export const AGREEMENT_TYPES = ["msa", "nda", "sow", "dpa", "order_form", "license", "other"] as const;

export const createAgreementType = defineIntentType({
  name: "contracts.create_agreement",
  description: "Create new contract",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      counterpartyName: textField("Legal name of the other party", 200),
      agreementType: z.enum(AGREEMENT_TYPES).describe("Kind of agreement"),
      templateId: idField("Contract template to draft from; a blank draft when omitted").optional(),
      value: amountField("Total contract value in the currency's major unit").optional(),
      currency: currencyField(),
      startDate: dateField("Date the agreement takes effect (YYYY-MM-DD)"),
      endDate: dateField("Date the agreement ends (YYYY-MM-DD); open-ended when omitted").optional(),
      ownerEmail: emailField("Internal owner of the contract").optional(),
    })
    .strict()
    .refine((p) => dateOrderOk(p.startDate, p.endDate), {
      path: ["endDate"],
      message: "endDate must not be before startDate",
    }),
  escalateRisk: (p) =>
    riskForAmount(p.value, { mediumAbove: T.agreementMediumAbove, highAbove: T.agreementHighAbove }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.create_agreement, settings),
});

const signerField = () =>
  z
    .object({
      email: emailField("Signer's email address; the signing link goes here"),
      name: textField("Signer's full name as it appears on the contract", 200),
      order: z
        .number()
        .int()
        .min(1)
        .describe("Signing position; 1 signs first, equal positions sign in parallel"),
    })
    .strict();

export const sendForSignatureType = defineIntentType({
  name: "contracts.send_for_signature",
  description: "Send for e-signature",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      contractId: idField("Contract to send, e.g. contract_456"),
      signers: z
        .array(signerField())
        .min(1, "List at least one signer")
        .max(50)
        .describe("Who signs, in which order"),
      deadline: dateField("Date by which all signatures are due (YYYY-MM-DD)"),
      reminderDays: z
        .array(z.number().int().min(1).max(365))
        .max(10)
        .optional()
        .describe("Remind unsigned signers this many days before the deadline, e.g. [7, 3, 1]"),
      message: textField("Note included in the signature request").optional(),
    })
    .strict()
    .refine((p) => new Set(p.signers.map((s) => s.email.toLowerCase())).size === p.signers.length, {
      path: ["signers"],
      message: "Each signer must have a distinct email",
    }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.send_for_signature, settings),
});

export const generateAmendmentType = defineIntentType({
  name: "contracts.generate_amendment",
  description: "Create amendment",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      contractId: idField("Contract to amend"),
      changes: z
        .array(
          z
            .object({
              clause: textField("Clause or section being changed, e.g. 4.2", 100),
              summary: textField("Plain-language description of the change"),
            })
            .strict(),
        )
        .min(1, "List at least one change")
        .describe("Changes the amendment makes"),
      effectiveDate: dateField("Date the amendment takes effect (YYYY-MM-DD)"),
      newValue: amountField("Total contract value after the amendment, when it changes").optional(),
      currency: currencyField(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.newValue, { highAbove: T.amendmentHighAbove }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.generate_amendment, settings),
});

export const notifyExpirationType = defineIntentType({
  name: "contracts.notify_expiration",
  description: "Send expiration notice",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contractId: idField("Contract that is expiring"),
      expirationDate: dateField("Date the contract expires (YYYY-MM-DD)"),
      recipients: z
        .array(emailField("Recipient's email address"))
        .min(1, "List at least one recipient")
        .describe("Who receives the notice"),
      renewalOptions: textField("What the recipients can do: renew, renegotiate, let lapse").optional(),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "contracts.notify_expiration", RISK_MITIGATION.notify_expiration),
});

export const ARCHIVE_REASONS = ["completed", "expired", "terminated", "superseded"] as const;

export const archiveContractType = defineIntentType({
  name: "contracts.archive_contract",
  description: "Archive completed contract",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "low",
  params: z
    .object({
      contractId: idField("Contract to archive"),
      reason: z.enum(ARCHIVE_REASONS).describe("Why the contract is archived"),
      retentionYears: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(7)
        .describe("Years to keep the archived contract before disposal"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.archive_contract, settings),
});

export const APPROVAL_FUNCTIONS = ["legal", "finance", "security", "procurement", "executive"] as const;

export const requestApprovalType = defineIntentType({
  name: "contracts.request_approval",
  description: "Route for internal approval",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contractId: idField("Contract to route"),
      approvalType: z.enum(APPROVAL_FUNCTIONS).describe("Which internal function must approve"),
      approvers: z
        .array(idField("Approver's user id"))
        .min(1, "List at least one approver")
        .describe("Who must approve"),
      dueDate: dateField("Date the approval is needed by (YYYY-MM-DD)").optional(),
      notes: textField("Context for the approvers").optional(),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.request_approval, settings),
});

export const OBLIGATION_RECURRENCES = ["none", "monthly", "quarterly", "annually"] as const;

export const trackObligationType = defineIntentType({
  name: "contracts.track_obligation",
  description: "Track contract obligations",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contractId: idField("Contract the obligation comes from"),
      obligation: textField("What must be done, e.g. deliver the quarterly SLA report", 500),
      ownerId: idField("User responsible for meeting the obligation"),
      dueDate: dateField("Date the obligation, or its first occurrence, is due (YYYY-MM-DD)"),
      recurrence: z.enum(OBLIGATION_RECURRENCES).default("none").describe("How often the obligation repeats"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "contracts.track_obligation", RISK_MITIGATION.track_obligation),
});

export const CONTRACT_TERMS = [
  "parties",
  "effective_date",
  "term",
  "renewal",
  "termination",
  "payment",
  "liability",
  "governing_law",
  "confidentiality",
] as const;

export const extractTermsType = defineIntentType({
  name: "contracts.extract_terms",
  description: "AI extraction of key terms",
  valueCategory: "efficiency",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      contractId: idField("Contract to read"),
      terms: z
        .array(z.enum(CONTRACT_TERMS))
        .min(1, "List at least one term")
        .optional()
        .describe("Terms to extract; all when omitted"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.extract_terms, settings),
});

export const compareVersionsType = defineIntentType({
  name: "contracts.compare_versions",
  description: "Compare contract versions",
  valueCategory: "efficiency",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      contractId: idField("Contract whose versions are compared"),
      baseVersion: idField("Version to compare from, e.g. v3"),
      compareVersion: idField("Version to compare against the base, e.g. v4"),
    })
    .strict()
    .refine((p) => p.baseVersion !== p.compareVersion, {
      path: ["compareVersion"],
      message: "compareVersion must differ from baseVersion",
    }),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.compare_versions, settings),
});

export const autoRenewType = defineIntentType({
  name: "contracts.auto_renew",
  description: "Process auto-renewal",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      contractId: idField("Contract that renews"),
      renewalTermMonths: z.number().int().min(1).max(120).describe("Length of the renewal term in months"),
      renewalValue: amountField("Total value of the renewal term in the currency's major unit"),
      currency: currencyField(),
      priceIncreasePercent: z
        .number()
        .min(0)
        .max(100)
        .optional()
        .describe("Uplift applied to the renewal price, in percent"),
    })
    .strict(),
  escalateRisk: (p) =>
    riskForAmount(p.renewalValue, {
      highAbove: T.autoRenewHighAbove,
      criticalAbove: T.autoRenewCriticalAbove,
    }),
  estimateValue: (p) => usdRevenueCents(p.renewalValue, p.currency),
});

export type CreateAgreementParams = z.input<typeof createAgreementType.params>;
export type SendForSignatureParams = z.input<typeof sendForSignatureType.params>;
export type GenerateAmendmentParams = z.input<typeof generateAmendmentType.params>;
export type NotifyExpirationParams = z.input<typeof notifyExpirationType.params>;
export type ArchiveContractParams = z.input<typeof archiveContractType.params>;
export type RequestApprovalParams = z.input<typeof requestApprovalType.params>;
export type TrackObligationParams = z.input<typeof trackObligationType.params>;
export type ExtractTermsParams = z.input<typeof extractTermsType.params>;
export type CompareVersionsParams = z.input<typeof compareVersionsType.params>;
export type AutoRenewParams = z.input<typeof autoRenewType.params>;
