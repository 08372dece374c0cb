import {
  costSavingsCents,
  defineIntentType,
  efficiencyCents,
  emailField,
  idField,
  riskMitigationCents,
  textField,
} from "@intendedops/core";
import { z } from "zod";
import { SUPPORT_THRESHOLDS as T } from "./risk-thresholds";
import {
  SUPPORT_COST_SAVINGS_CENTS as COST_SAVINGS,
  SUPPORT_MINUTES_SAVED as MINUTES,
  SUPPORT_RISK_MITIGATION_CENTS as RISK_MITIGATION,
} from "./value-defaults";

export const TICKET_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const TICKET_CHANNELS = ["email", "chat", "phone", "web", "api"] as const;

const tags = z.array(z.string().trim().min(1).max(50)).max(20);

export const createTicketType = defineIntentType({
  name: "support.create_ticket",
  description: "Create support ticket",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      customerId: idField("Customer the ticket is for"),
      subject: textField("One-line summary of the issue", 200),
      body: textField("The customer's description of the issue", 20_000).optional(),
      channel: z.enum(TICKET_CHANNELS).default("web").describe("Where the request came in"),
      priority: z.enum(TICKET_PRIORITIES).default("normal").describe("Initial priority"),
      tags: tags.optional().describe("Labels for routing and reporting"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.create_ticket, settings),
});

export const assignTicketType = defineIntentType({
  name: "support.assign_ticket",
  description: "Route ticket to agent",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      ticketId: idField("Ticket to route, e.g. tkt_123"),
      assigneeId: idField("Support agent (person) who takes the ticket"),
      team: idField("Team queue the ticket moves to").optional(),
      note: textField("Why this assignee", 1_000).optional(),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.assign_ticket, settings),
});

export const ESCALATION_LEVELS = ["tier2", "tier3", "engineering", "management"] as const;

export const escalateTicketType = defineIntentType({
  name: "support.escalate_ticket",
  description: "Escalate to higher tier",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      ticketId: idField("Ticket to escalate"),
      toLevel: z.enum(ESCALATION_LEVELS).describe("Tier or group that takes over"),
      reason: textField("Why the ticket needs a higher tier", 2_000),
      slaBreached: z.boolean().default(false).describe("The ticket has already missed its SLA"),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "support.escalate_ticket", RISK_MITIGATION.escalate_ticket),
});

export const RESOLUTION_CODES = [
  "solved",
  "workaround",
  "duplicate",
  "not_reproducible",
  "wont_fix",
] as const;

export const resolveTicketType = defineIntentType({
  name: "support.resolve_ticket",
  description: "Mark ticket resolved",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      ticketId: idField("Ticket to resolve"),
      resolution: textField("What fixed it, as the customer will read it", 10_000),
      resolutionCode: z.enum(RESOLUTION_CODES).default("solved").describe("How the ticket ended"),
      notifyCustomer: z.boolean().default(true).describe("Email the customer that the ticket is resolved"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.resolve_ticket, settings),
});

export const RESPONSE_VISIBILITIES = ["public", "internal"] as const;

export const sendResponseType = defineIntentType({
  name: "support.send_response",
  description: "Send customer response",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      ticketId: idField("Ticket being answered"),
      message: textField("The response text", 20_000),
      visibility: z
        .enum(RESPONSE_VISIBILITIES)
        .default("public")
        .describe("public goes to the customer; internal is a note for colleagues"),
      channel: z.enum(TICKET_CHANNELS).default("email").describe("Channel a public response is sent on"),
    })
    .strict(),
  // Anything the customer reads is medium: an agent speaking for the company.
  escalateRisk: (p) => (p.visibility === "public" ? "medium" : undefined),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.send_response, settings),
});

export const updatePriorityType = defineIntentType({
  name: "support.update_priority",
  description: "Change ticket priority",
  valueCategory: "risk_mitigation",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      ticketId: idField("Ticket to re-prioritise"),
      priority: z.enum(TICKET_PRIORITIES).describe("New priority"),
      reason: textField("Why the priority changes", 1_000).optional(),
    })
    .strict(),
  estimateValue: (_p, settings) =>
    riskMitigationCents(settings, "support.update_priority", RISK_MITIGATION.update_priority),
});

export const mergeTicketsType = defineIntentType({
  name: "support.merge_tickets",
  description: "Combine duplicate tickets",
  valueCategory: "efficiency",
  intentClass: "write",
  defaultRisk: "medium",
  params: z
    .object({
      primaryTicketId: idField("Ticket that survives the merge"),
      duplicateTicketIds: z
        .array(idField("Duplicate ticket id"))
        .min(1)
        .max(100)
        .describe("Tickets folded into the primary one"),
    })
    .strict()
    .refine((p) => !p.duplicateTicketIds.includes(p.primaryTicketId), {
      path: ["duplicateTicketIds"],
      message: "duplicateTicketIds must not contain primaryTicketId",
    }),
  escalateRisk: (p) => (distinctCount(p.duplicateTicketIds) > T.mergeHighAbove ? "high" : undefined),
  estimateValue: (p, settings) =>
    efficiencyCents(MINUTES.merge_tickets * distinctCount(p.duplicateTicketIds), settings),
});

/** How many different ids a list names: a ticket listed twice is still merged once. */
function distinctCount(ids: readonly string[]): number {
  return new Set(ids).size;
}

export const ARTICLE_VISIBILITIES = ["internal", "public"] as const;

export const createKnowledgeArticleType = defineIntentType({
  name: "support.create_knowledge_article",
  description: "Document solution",
  valueCategory: "cost_savings",
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      title: textField("Article title", 200),
      body: textField("The solution, in Markdown", 100_000),
      sourceTicketId: idField("Ticket the solution came from").optional(),
      visibility: z
        .enum(ARTICLE_VISIBILITIES)
        .default("internal")
        .describe("internal for the support team; public for the help centre"),
      tags: tags.optional().describe("Search keywords"),
    })
    .strict(),
  escalateRisk: (p) => (p.visibility === "public" ? "medium" : undefined),
  estimateValue: (_p, settings) =>
    costSavingsCents(settings, "support.create_knowledge_article", COST_SAVINGS.create_knowledge_article),
});

export const SURVEY_TYPES = ["csat", "nps", "ces"] as const;

export const requestFeedbackType = defineIntentType({
  name: "support.request_feedback",
  description: "Request CSAT survey",
  valueCategory: null,
  intentClass: "write",
  defaultRisk: "low",
  params: z
    .object({
      ticketId: idField("Resolved ticket the survey is about"),
      customerEmail: emailField("Where the survey goes; the ticket's requester when omitted").optional(),
      surveyType: z.enum(SURVEY_TYPES).default("csat").describe("Survey to send"),
    })
    .strict(),
});

export const autoCategorizeType = defineIntentType({
  name: "support.auto_categorize",
  description: "AI-powered categorization",
  valueCategory: "efficiency",
  intentClass: "analysis",
  defaultRisk: "low",
  params: z
    .object({
      ticketId: idField("Ticket to categorise"),
      candidateCategories: z
        .array(z.string().trim().min(1).max(100))
        .min(1)
        .max(50)
        .optional()
        .describe("Categories to choose from; the tenant's taxonomy when omitted"),
      applyTags: z.boolean().default(true).describe("Write the chosen categories to the ticket as tags"),
    })
    .strict(),
  estimateValue: (_p, settings) => efficiencyCents(MINUTES.auto_categorize, settings),
});

export type CreateTicketParams = z.input<typeof createTicketType.params>;
export type AssignTicketParams = z.input<typeof assignTicketType.params>;
export type EscalateTicketParams = z.input<typeof escalateTicketType.params>;
export type ResolveTicketParams = z.input<typeof resolveTicketType.params>;
export type SendResponseParams = z.input<typeof sendResponseType.params>;
export type UpdatePriorityParams = z.input<typeof updatePriorityType.params>;
export type MergeTicketsParams = z.input<typeof mergeTicketsType.params>;
export type CreateKnowledgeArticleParams = z.input<typeof createKnowledgeArticleType.params>;
export type RequestFeedbackParams = z.input<typeof requestFeedbackType.params>;
export type AutoCategorizeParams = z.input<typeof autoCategorizeType.params>;
