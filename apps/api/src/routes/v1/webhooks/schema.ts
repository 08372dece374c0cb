import { z } from "@hono/zod-openapi";
import { ALL_EVENTS, WEBHOOK_EVENTS } from "../../../webhooks/webhook-events";
import { dateTime } from "../../api-route";
import { pageOf } from "../pagination";

const EventNameSchema = z
  .enum([ALL_EVENTS, ...WEBHOOK_EVENTS], {
    error: `each event must be one of ${[...WEBHOOK_EVENTS, ALL_EVENTS].join(", ")}`,
  })
  .openapi({ description: "An event name, or `*` for every event" });

const EventsSchema = z
  .array(EventNameSchema, { error: "events is required" })
  .min(1, "at least one event is required")
  .transform((events) => [...new Set(events)]);

const UrlSchema = z
  .string({ error: "url is required" })
  .trim()
  .min(1, "url is required")
  .max(2000, "url must be at most 2000 characters")
  .openapi({ example: "https://hooks.example.com/intendedops" });

const DescriptionSchema = z.string().trim().max(500, "description must be at most 500 characters");

export const WebhookViewSchema = z
  .object({
    id: z.string().openapi({ example: "wh_01HN4X7KQZ8Y1A2B3C4D5E6F7G" }),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledAt: dateTime().nullable(),
    disabledReason: z.string().nullable().openapi({ example: "The receiver answered 410 Gone" }),
    previousSecretExpiresAt: dateTime()
      .nullable()
      .openapi({ description: "Until then the previous secret still signs too (after a rotation)" }),
    createdAt: dateTime(),
    updatedAt: dateTime(),
  })
  .openapi("Webhook");

export const WebhookWithSecretSchema = WebhookViewSchema.extend({
  secret: z.string().openapi({
    description: "The signing secret (`whsec_` + base64): shown this once, never again",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  }),
}).openapi("WebhookWithSecret");

/** Strict, like every request body: an unknown field is a 400, never silently dropped. */
export const CreateWebhookBodySchema = z
  .strictObject({
    url: UrlSchema,
    events: EventsSchema,
    description: DescriptionSchema.optional(),
  })
  .openapi("CreateWebhook", {
    example: { url: "https://hooks.example.com/intendedops", events: ["intent.approved", "intent.rejected"] },
  });

export const UpdateWebhookBodySchema = z
  .strictObject({
    url: UrlSchema.optional(),
    events: EventsSchema.optional(),
    description: DescriptionSchema.nullable().optional(),
    enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "at least one of url, events, description or enabled is required",
  })
  .openapi("UpdateWebhook", { example: { enabled: true } });

export const AttemptViewSchema = z
  .object({
    attempt: z.number().int(),
    attemptedAt: dateTime(),
    statusCode: z.number().int().nullable().openapi({ description: "Null when no response arrived" }),
    latencyMs: z.number().int(),
    error: z.string().nullable().openapi({ example: "HTTP 503" }),
  })
  .openapi("WebhookAttempt");

export const DeliveryViewSchema = z
  .object({
    id: z.string().openapi({ example: "dlv_01HN4X7KQZ8Y1A2B3C4D5E6F7G" }),
    webhookId: z.string(),
    eventId: z.string().openapi({ description: "The payload id (`whk_…`), the same on every attempt" }),
    event: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    nextAttemptAt: dateTime().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    payload: z.string().openapi({ description: "The exact body every attempt sends" }),
    createdAt: dateTime(),
    completedAt: dateTime().nullable(),
    attempts: z.array(AttemptViewSchema),
  })
  .openapi("WebhookDelivery");

export const WebhookPageSchema = pageOf(WebhookViewSchema, "WebhookPage");
export const DeliveryPageSchema = pageOf(DeliveryViewSchema, "WebhookDeliveryPage");
