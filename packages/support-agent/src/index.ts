export { createSupportAgent, type SupportAgent, type SupportHandlers } from "./agent";
export { type SupportDomain, type SupportTypeName, supportDomain } from "./domain";
export { supportFixtures } from "./fixtures";
export {
  ARTICLE_VISIBILITIES,
  type AssignTicketParams,
  type AutoCategorizeParams,
  assignTicketType,
  autoCategorizeType,
  type CreateKnowledgeArticleParams,
  type CreateTicketParams,
  createKnowledgeArticleType,
  createTicketType,
  ESCALATION_LEVELS,
  type EscalateTicketParams,
  escalateTicketType,
  type MergeTicketsParams,
  mergeTicketsType,
  RESOLUTION_CODES,
  RESPONSE_VISIBILITIES,
  type RequestFeedbackParams,
  type ResolveTicketParams,
  requestFeedbackType,
  resolveTicketType,
  type SendResponseParams,
  SURVEY_TYPES,
  sendResponseType,
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  type UpdatePriorityParams,
  updatePriorityType,
} from "./intent-types";
export { SUPPORT_THRESHOLDS } from "./risk-thresholds";
export {
  SUPPORT_COST_SAVINGS_CENTS,
  SUPPORT_MINUTES_SAVED,
  SUPPORT_RISK_MITIGATION_CENTS,
} from "./value-defaults";
