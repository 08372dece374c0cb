import type { ParamsFixture } from "@intendedops/core";
import type { SupportTypeName } from "./domain";

/** One valid and one invalid params example per support intent type (for package and API tests). */
export const supportFixtures: Record<SupportTypeName, ParamsFixture> = {
  "support.create_ticket": {
    valid: { customerId: "cust_123", subject: "Cannot export invoices", channel: "email", priority: "high" },
    invalid: { customerId: "cust_123", subject: "" },
    invalidField: "subject",
  },
  "support.assign_ticket": {
    valid: { ticketId: "tkt_42", assigneeId: "user_7", team: "billing-support" },
    invalid: { ticketId: "tkt_42" },
    invalidField: "assigneeId",
  },
  "support.escalate_ticket": {
    valid: {
      ticketId: "tkt_42",
      toLevel: "tier2",
      reason: "Data export fails for every user of the account",
    },
    invalid: { ticketId: "tkt_42", toLevel: "ceo", reason: "Angry customer" },
    invalidField: "toLevel",
  },
  "support.resolve_ticket": {
    valid: { ticketId: "tkt_42", resolution: "Cleared the stuck export job", resolutionCode: "solved" },
    invalid: { ticketId: "tkt_42", resolution: "Fixed", resolutionCode: "fixed" },
    invalidField: "resolutionCode",
  },
  "support.send_response": {
    valid: { ticketId: "tkt_42", message: "Thanks — the export works again.", visibility: "public" },
    invalid: { ticketId: "tkt_42", message: 42 },
    invalidField: "message",
  },
  "support.update_priority": {
    valid: { ticketId: "tkt_42", priority: "urgent", reason: "Production outage" },
    invalid: { ticketId: "tkt_42", priority: "p0" },
    invalidField: "priority",
  },
  "support.merge_tickets": {
    valid: { primaryTicketId: "tkt_42", duplicateTicketIds: ["tkt_43", "tkt_44"] },
    invalid: { primaryTicketId: "tkt_42", duplicateTicketIds: [] },
    invalidField: "duplicateTicketIds",
  },
  "support.create_knowledge_article": {
    valid: {
      title: "Fix stuck exports",
      body: "1. Open Settings\n2. Retry the export",
      sourceTicketId: "tkt_42",
    },
    invalid: { title: "Fix stuck exports", body: "Steps", visibility: "everyone" },
    invalidField: "visibility",
  },
  "support.request_feedback": {
    valid: { ticketId: "tkt_42", customerEmail: "user@example.com" },
    invalid: { ticketId: "tkt_42", customerEmail: "not-an-email" },
    invalidField: "customerEmail",
  },
  "support.auto_categorize": {
    valid: { ticketId: "tkt_42", candidateCategories: ["billing", "exports", "login"] },
    invalid: { ticketId: "tkt_42", applyTags: "yes" },
    invalidField: "applyTags",
  },
};
