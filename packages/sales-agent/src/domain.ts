import { defineDomain } from "@intendedops/core";
import {
  assignTerritoryType,
  createLeadType,
  createOpportunityType,
  createQuoteType,
  forecastRevenueType,
  logActivityType,
  qualifyLeadType,
  scheduleCallType,
  sendProposalType,
  updatePipelineType,
} from "./intent-types";

/** The sales domain: lead management, pipeline, opportunities. */
export const salesDomain = defineDomain({
  name: "sales",
  description: "Lead management, pipeline, opportunities",
  types: {
    create_lead: createLeadType,
    qualify_lead: qualifyLeadType,
    create_opportunity: createOpportunityType,
    update_pipeline: updatePipelineType,
    schedule_call: scheduleCallType,
    send_proposal: sendProposalType,
    create_quote: createQuoteType,
    assign_territory: assignTerritoryType,
    forecast_revenue: forecastRevenueType,
    log_activity: logActivityType,
  },
});

export type SalesDomain = typeof salesDomain;
/** Every sales intent type name, e.g. `sales.create_opportunity`. */
export type SalesTypeName = `sales.${keyof SalesDomain["types"]}`;
