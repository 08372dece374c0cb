import type { OpenAPIHono } from "@hono/zod-openapi";
import type { CreateIntentInput, Intent } from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { CreateIntentBodySchema, SubmittedIntentSchema } from "./schema";

export const createIntentRoute = defineRoute({
  method: "post",
  path: "/v1/intents",
  permission: "agent",
  summary: "Submit an intent; it is decided synchronously (approved, pending a human, or blocked)",
  tags: ["Intents"],
  // The governor validates the body with this same schema: parsing it here too cost a second parse.
  governorBody: CreateIntentBodySchema,
  success: {
    status: 201,
    description:
      "The decision. A replay of the same idempotency key and body answers 200 with the original result and `idempotent-replayed: true`.",
    schema: envelope(SubmittedIntentSchema),
  },
  errors: [404, 422],
});

/** The submission answer the guide shows, plus the decision summary. */
export function toSubmittedIntent(intent: Intent) {
  const { decision } = intent;
  return {
    intentId: intent.id,
    status: intent.status,
    createdAt: intent.createdAt,
    decision: {
      outcome: decision.outcome,
      reasons: decision.reasons,
      riskLevel: decision.riskLevel,
      trustTier: decision.trustTier,
      intention: decision.intention ?? intent.intention,
    },
  };
}

export function registerCreateIntent(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createIntentRoute, async (c) => {
    const body = (c.get("body") ?? {}) as CreateIntentInput;
    const result = await c.get("governor").submit(actorOf(c), body);
    // A replay reports the intent as it was decided, not as it is now.
    const data = toSubmittedIntent(result.intent);
    if (result.replayed) {
      c.header("idempotent-replayed", "true");
      return c.json({ data }, 200);
    }
    return c.json({ data }, 201);
  });
}
