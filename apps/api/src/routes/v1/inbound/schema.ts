import { z } from "@hono/zod-openapi";
import { InboundReportSchema } from "../../../webhooks/inbound-receiver";
import { dateTime, named } from "../../api-route";
import { pageOf } from "../pagination";

const IntentTypePatternSchema = z
  .string()
  .regex(
    /^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$/,
    "each intent type must be a type (contracts.send_for_signature), a domain pattern (contracts.*) or *",
  );

export const InboundEndpointViewSchema = z
  .object({
    id: z.string().openapi({ example: "wh_01HN4X7KQZ8Y1A2B3C4D5E6F7G" }),
    description: z.string().nullable(),
    intentTypes: z
      .array(z.string())
      .openapi({ description: "Intent types it may report on; empty means any type of the tenant" }),
    path: z.string().openapi({
      description: "Where the executor posts its reports",
      example: "/v1/inbound/wh_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
    }),
    previousSecretExpiresAt: dateTime()
      .nullable()
      .openapi({ description: "Until then the previous secret is still accepted (after a rotation)" }),
    createdAt: dateTime(),
    updatedAt: dateTime(),
  })
  .openapi("InboundEndpoint");

export const InboundEndpointWithSecretSchema = InboundEndpointViewSchema.extend({
  secret: z.string().openapi({
    description: "The Standard Webhooks secret the executor signs with: shown this once, never again",
  }),
}).openapi("InboundEndpointWithSecret");

/** Strict: `intent_types` for `intentTypes` would otherwise create an endpoint open to every type. */
export const CreateInboundEndpointBodySchema = z
  .strictObject({
    description: z.string().trim().max(500, "description must be at most 500 characters").optional(),
    intentTypes: z
      .array(IntentTypePatternSchema)
      .max(100, "at most 100 intent types")
      .transform((types) => [...new Set(types)])
      .optional(),
  })
  .openapi("CreateInboundEndpoint", {
    example: { description: "E-signature provider", intentTypes: ["contracts.send_for_signature"] },
  });

export const InboundEndpointPageSchema = pageOf(InboundEndpointViewSchema, "InboundEndpointPage");

export const InboundReportBodySchema = named(InboundReportSchema, "InboundReport", {
  example: {
    intentId: "int_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
    outcome: "completed",
    result: { envelopeId: "env_9" },
  },
});

export const InboundAcceptedSchema = z
  .object({
    intentId: z.string(),
    status: z.string().openapi({ example: "completed" }),
    messageId: z.string().openapi({ description: "The accepted webhook-id" }),
  })
  .openapi("InboundAccepted");
