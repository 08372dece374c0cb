import type { ParamsFixture } from "@intendedops/core";
import type { SalesTypeName } from "./domain";

/**
 * One valid and one invalid params example per sales intent type (for package and API
 * tests). `create_opportunity`'s valid example is the guide's, verbatim.
 */
export const salesFixtures: Record<SalesTypeName, ParamsFixture> = {
  "sales.create_lead": {
    valid: { contactName: "Jane Smith", email: "jane@acme.com", company: "Acme Corp", source: "referral" },
    invalid: { contactName: "Jane Smith", email: "jane-at-acme" },
    invalidField: "email",
  },
  "sales.qualify_lead": {
    valid: { leadId: "lead_123", qualified: true, reason: "Budget approved for Q2", score: 82 },
    invalid: { leadId: "lead_123", qualified: "yes" },
    invalidField: "qualified",
  },
  "sales.create_opportunity": {
    valid: {
      leadId: "lead_123",
      dealName: "Enterprise License - Acme Corp",
      amount: 50000,
      stage: "qualification",
      closeDate: "2026-03-31",
    },
    invalid: {
      leadId: "lead_123",
      dealName: "Enterprise License - Acme Corp",
      amount: 50000,
      stage: "qualification",
      closeDate: "March 31st",
    },
    invalidField: "closeDate",
  },
  "sales.update_pipeline": {
    valid: { opportunityId: "opp_9", stage: "negotiation", probability: 60 },
    invalid: { opportunityId: "opp_9", stage: "won" },
    invalidField: "stage",
  },
  "sales.schedule_call": {
    valid: { contactEmail: "jane@acme.com", scheduledAt: "2026-03-02T15:00:00Z", leadId: "lead_123" },
    invalid: { contactEmail: "jane@acme.com", scheduledAt: "next tuesday" },
    invalidField: "scheduledAt",
  },
  "sales.send_proposal": {
    valid: {
      opportunityId: "opp_9",
      recipientEmail: "cfo@acme.com",
      amount: 48000,
      discountPercent: 10,
      validUntil: "2026-04-15",
    },
    invalid: {
      opportunityId: "opp_9",
      recipientEmail: "cfo@acme.com",
      amount: 48000,
      validUntil: "2026-04-15",
      discountPercent: 150,
    },
    invalidField: "discountPercent",
  },
  "sales.create_quote": {
    valid: {
      opportunityId: "opp_9",
      lineItems: [{ productId: "sku_pro", quantity: 40, unitPrice: 1200 }],
      discountPercent: 5,
      validUntil: "2026-04-15",
    },
    invalid: { opportunityId: "opp_9", lineItems: [], validUntil: "2026-04-15" },
    invalidField: "lineItems",
  },
  "sales.assign_territory": {
    valid: { repId: "rep_5", territoryId: "emea-north" },
    invalid: { repId: "rep_5", territoryId: "emea-north", effectiveDate: "2026-13-01" },
    invalidField: "effectiveDate",
  },
  "sales.forecast_revenue": {
    valid: { periodStart: "2026-04-01", periodEnd: "2026-06-30", method: "historical" },
    invalid: { periodStart: "2026-04-01", periodEnd: "2026-06-30", method: "crystal_ball" },
    invalidField: "method",
  },
  "sales.log_activity": {
    valid: { recordId: "opp_9", activityType: "demo", summary: "Demoed approval workflows to the CFO" },
    invalid: { recordId: "opp_9", activityType: "demo" },
    invalidField: "summary",
  },
};
