import { defineDomain } from "@intendedops/core";
import {
  assignTicketType,
  autoCategorizeType,
  createKnowledgeArticleType,
  createTicketType,
  escalateTicketType,
  mergeTicketsType,
  requestFeedbackType,
  resolveTicketType,
  sendResponseType,
  updatePriorityType,
} from "./intent-types";

/** The support domain: ticket management, SLA tracking, escalation. */
export const supportDomain = defineDomain({
  name: "support",
  description: "Ticket management, SLA tracking, escalation",
  types: {
    create_ticket: createTicketType,
    assign_ticket: assignTicketType,
    escalate_ticket: escalateTicketType,
    resolve_ticket: resolveTicketType,
    send_response: sendResponseType,
    update_priority: updatePriorityType,
    merge_tickets: mergeTicketsType,
    create_knowledge_article: createKnowledgeArticleType,
    request_feedback: requestFeedbackType,
    auto_categorize: autoCategorizeType,
  },
});

export type SupportDomain = typeof supportDomain;
/** Every support intent type name, e.g. `support.escalate_ticket`. */
export type SupportTypeName = `support.${keyof SupportDomain["types"]}`;
