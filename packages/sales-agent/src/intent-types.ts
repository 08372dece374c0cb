import {
  amountField,
  currencyField,
  dateField,
  dateOrderOk,
  defineIntentType,
  efficiencyCents,
  emailField,
  idField,
  type RiskLevel,
  riskForAmount,
  riskRank,
  textField,
  urlField,
  usdRevenueCents,
} from "@intendedops/core";
import { z } from "zod";
import { SALES_THRESHOLDS as T } from "./risk-thresholds";
import { SALES_MINUTES_SAVED as MINUTES } from "./value-defaults";

export const LEAD_SOURCES = ["web", "referral", "event", "outbound", "partner", "other"] as const;
export const DEAL_STAGES = [
  "prospecting",
  "qualification",
  "needs_analysis",
  "proposal",
  "negotiation",
  "closed_won",
  "closed_lost",
] as const;

const discountField = z
  .number()
  .min(0)
  .max(100)
  .default(0)
  .describe("Discount off list price, in percent (0–100)");

/** The higher of two optional risks. */
const higher = (a: RiskLevel | undefined, b: RiskLevel | undefined): RiskLevel | undefined =>
  a === undefined ? b : b === undefined || riskRank(a) >= riskRank(b) ? a : b;

const discountRisk = (percent: number) =>
  riskForAmount(percent, { mediumAbove: T.discountMediumAbove, highAbove: T.discountHighAbove });

export const createLeadType = defineIntentType({
  name: "sales.create_lead",
  description: "Create new lead",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contactName: textField("Full name of the lead's contact", 200),
      email: emailField("Contact email"),
      company: textField("Company the lead works for", 200).optional(),
      source: z.enum(LEAD_SOURCES).default("web").describe("Where the lead came from"),
      estimatedValue: amountField("Expected deal size in the currency's major unit").optional(),
      currency: currencyField(),
    })
    .strict(),
  estimateValue: (p) => (p.estimatedValue === undefined ? 0 : usdRevenueCents(p.estimatedValue, p.currency)),
});

export const qualifyLeadType = defineIntentType({
  name: "sales.qualify_lead",
  description: "Qualify/disqualify lead",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      leadId: idField("Lead being assessed, e.g. lead_123"),
      qualified: z
        .boolean({ error: "Must be true or false" })
        .describe("true to qualify, false to disqualify"),
      reason: textField("Why (budget, authority, need, timing…)", 2_000).optional(),
      score: z.number().int().min(0).max(100).optional().describe("Lead score 0–100"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.qualify_lead, settings),
});

export const createOpportunityType = defineIntentType({
  name: "sales.create_opportunity",
  description: "Create sales opportunity",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      leadId: idField("Qualified lead the opportunity comes from, e.g. lead_123"),
      dealName: textField("Opportunity name, e.g. Enterprise License - Acme Corp", 200),
      amount: amountField("Expected deal value in the currency's major unit"),
      currency: currencyField(),
      stage: z.enum(DEAL_STAGES).describe("Pipeline stage the opportunity starts in"),
      closeDate: dateField("Expected close date (YYYY-MM-DD)"),
      ownerId: idField("Sales rep owning the opportunity").optional(),
    })
    .strict(),
  escalateRisk: (p) => riskForAmount(p.amount, { mediumAbove: T.opportunityMediumAbove }),
  estimateValue: (p) => usdRevenueCents(p.amount, p.currency),
});

export const updatePipelineType = defineIntentType({
  name: "sales.update_pipeline",
  description: "Update deal stage",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      opportunityId: idField("Opportunity to move"),
      stage: z.enum(DEAL_STAGES).describe("New pipeline stage"),
      amount: amountField("Updated deal value in the currency's major unit").optional(),
      currency: currencyField(),
      closeDate: dateField("Updated expected close date (YYYY-MM-DD)").optional(),
      probability: z.number().int().min(0).max(100).optional().describe("Win probability in percent"),
    })
    .strict(),
  // Closing a deal (won or lost) triggers commissions, provisioning or churn handling.
  escalateRisk: (p) => (p.stage === "closed_won" || p.stage === "closed_lost" ? "medium" : undefined),
  // Of the stage moves only winning records revenue (the earlier steps record their own: see README).
  estimateValue: (p) =>
    p.stage === "closed_won" && p.amount !== undefined ? usdRevenueCents(p.amount, p.currency) : 0,
});

export const scheduleCallType = defineIntentType({
  name: "sales.schedule_call",
  description: "Schedule sales call",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      contactEmail: emailField("Who is invited"),
      scheduledAt: z.iso
        .datetime({ offset: true, error: "Must be an ISO 8601 date-time, e.g. 2026-03-02T15:00:00Z" })
        .describe("Start time (ISO 8601 with Z or an offset)"),
      durationMinutes: z.number().int().min(5).max(480).default(30).describe("Length of the call in minutes"),
      leadId: idField("Lead the call is about").optional(),
      opportunityId: idField("Opportunity the call is about").optional(),
      agenda: textField("Agenda sent with the invitation", 2_000).optional(),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.schedule_call, settings),
});

export const sendProposalType = defineIntentType({
  name: "sales.send_proposal",
  description: "Send proposal/quote",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      opportunityId: idField("Opportunity the proposal is for"),
      recipientEmail: emailField("Who receives the proposal"),
      amount: amountField("Proposed total in the currency's major unit"),
      currency: currencyField(),
      discountPercent: discountField,
      validUntil: dateField("Last day the offer stands (YYYY-MM-DD)"),
      documentUrl: urlField("Link to the proposal document").optional(),
    })
    .strict(),
  escalateRisk: (p) =>
    higher(riskForAmount(p.amount, { highAbove: T.dealHighAbove }), discountRisk(p.discountPercent)),
  estimateValue: (p) => usdRevenueCents(p.amount, p.currency),
});

const lineItem = z
  .object({
    productId: idField("Product or SKU"),
    quantity: z.number().int().positive().describe("Units"),
    // Quotes list bundled items (onboarding, a first month) at 0, so a price may be zero, not negative.
    unitPrice: z
      .number({ error: (issue) => (issue.input === undefined ? "Required" : "Must be a number") })
      .nonnegative("Must not be negative")
      .describe("List price per unit in the currency's major unit; 0 for an item included at no charge"),
  })
  .strict();

export const createQuoteType = defineIntentType({
  name: "sales.create_quote",
  description: "Generate price quote",
  valueCategory: "revenue",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      opportunityId: idField("Opportunity the quote is for"),
      lineItems: z.array(lineItem).min(1).max(200).describe("Products, quantities and list prices"),
      currency: currencyField(),
      discountPercent: discountField,
      validUntil: dateField("Last day the quote stands (YYYY-MM-DD)"),
    })
    .strict(),
  escalateRisk: (p) =>
    higher(riskForAmount(quoteTotal(p), { highAbove: T.dealHighAbove }), discountRisk(p.discountPercent)),
  estimateValue: (p) => usdRevenueCents(quoteTotal(p), p.currency),
});

/** A quote's total after discount, in major units. */
export function quoteTotal(quote: {
  lineItems: readonly { quantity: number; unitPrice: number }[];
  discountPercent: number;
}): number {
  const list = quote.lineItems.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return list * (1 - quote.discountPercent / 100);
}

export const assignTerritoryType = defineIntentType({
  name: "sales.assign_territory",
  description: "Assign rep territory",
  valueCategory: "efficiency",
  intentClass: "admin",
  defaultRisk: "medium",
  params: z
    .object({
      repId: idField("Sales rep receiving the territory"),
      territoryId: idField("Territory being assigned"),
      effectiveDate: dateField("When the assignment starts (YYYY-MM-DD); now when omitted").optional(),
      reassignOpenDeals: z
        .boolean()
        .default(false)
        .describe("Move the territory's open opportunities to the rep too"),
    })
    .strict(),
  // Moving open deals between reps changes who is paid for them.
  escalateRisk: (p) => (p.reassignOpenDeals ? "high" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.assign_territory, settings),
});

export const FORECAST_METHODS = ["pipeline_weighted", "historical", "ai"] as const;

export const forecastRevenueType = defineIntentType({
  name: "sales.forecast_revenue",
  description: "Generate forecast",
  valueCategory: null,
  intentClass: "reporting",
  defaultRisk: "low",
  params: z
    .object({
      periodStart: dateField("First day of the forecast period (YYYY-MM-DD)"),
      periodEnd: dateField("Last day of the forecast period (YYYY-MM-DD)"),
      territoryId: idField("Limit the forecast to one territory").optional(),
      method: z.enum(FORECAST_METHODS).default("pipeline_weighted").describe("Forecasting method"),
    })
    .strict()
    .refine((p) => dateOrderOk(p.periodStart, p.periodEnd), {
      path: ["periodEnd"],
      message: "periodEnd must not be before periodStart",
    }),
});

export const ACTIVITY_TYPES = ["call", "email", "meeting", "note", "demo"] as const;

export const logActivityType = defineIntentType({
  name: "sales.log_activity",
  description: "Log sales activity",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      recordId: idField("Lead or opportunity the activity belongs to"),
      activityType: z.enum(ACTIVITY_TYPES).describe("Kind of activity"),
      summary: textField("What happened", 5_000),
      occurredAt: z.iso
        .datetime({ offset: true, error: "Must be an ISO 8601 date-time, e.g. 2026-03-02T15:00:00Z" })
        .optional()
        .describe("When it happened; now when omitted"),
    })
    .strict(),
});

export type CreateLeadParams = z.input<typeof createLeadType.params>;
export type QualifyLeadParams = z.input<typeof qualifyLeadType.params>;
export type CreateOpportunityParams = z.input<typeof createOpportunityType.params>;
export type UpdatePipelineParams = z.input<typeof updatePipelineType.params>;
export type ScheduleCallParams = z.input<typeof scheduleCallType.params>;
export type SendProposalParams = z.input<typeof sendProposalType.params>;
export type CreateQuoteParams = z.input<typeof createQuoteType.params>;
export type AssignTerritoryParams = z.input<typeof assignTerritoryType.params>;
export type ForecastRevenueParams = z.input<typeof forecastRevenueType.params>;
export type LogActivityParams = z.input<typeof logActivityType.params>;
