export { createSalesAgent, type SalesAgent, type SalesHandlers } from "./agent";
export { type SalesDomain, type SalesTypeName, salesDomain } from "./domain";
export { salesFixtures } from "./fixtures";
export {
  ACTIVITY_TYPES,
  type AssignTerritoryParams,
  assignTerritoryType,
  type CreateLeadParams,
  type CreateOpportunityParams,
  type CreateQuoteParams,
  createLeadType,
  createOpportunityType,
  createQuoteType,
  DEAL_STAGES,
  FORECAST_METHODS,
  type ForecastRevenueParams,
  forecastRevenueType,
  LEAD_SOURCES,
  type LogActivityParams,
  logActivityType,
  type QualifyLeadParams,
  qualifyLeadType,
  quoteTotal,
  type ScheduleCallParams,
  type SendProposalParams,
  scheduleCallType,
  sendProposalType,
  type UpdatePipelineParams,
  updatePipelineType,
} from "./intent-types";
export { SALES_THRESHOLDS } from "./risk-thresholds";
export { SALES_MINUTES_SAVED } from "./value-defaults";
