import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Actor, CreateIntentInput, Governor, Intent } from "@intendedops/core";
import type { AppEnv } from "../../../context";
import { defineRoute, envelope, mountRoute } from "../../api-route";
import { actorOf } from "../actor";
import { CreateIntentBodySchema, SubmittedIntentSchema } from "./schema";

export const createIntentRoute = defineRoute({
  operationId: "submitIntent",
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
      "The decision. A replay of the same idempotency key and body answers 200 with the original intent (its current status) and `idempotent-replayed: true`.",
    schema: envelope(SubmittedIntentSchema),
  },
  alsoSucceeds: [
    {
      status: 200,
      description:
        "A replay of an earlier submission (same idempotency key and body): the original intent and decision, with the intent's current status and `idempotent-replayed: true`",
      headers: {
        "idempotent-replayed": {
          description: "`true`: this answer replays the original submission",
          required: true,
          schema: { type: "string", pattern: "^true$", example: "true" },
        },
      },
    },
  ],
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

/**
 * Submit and shape the answer: 201 with the decision, or 200 with the original decision when the
 * idempotency key replays an earlier submission (with the intent's current status, e.g. completed).
 */
export async function submitIntent(
  governor: Governor,
  actor: Actor,
  body: unknown,
): Promise<{
  status: 200 | 201;
  replayed: boolean;
  payload: { data: ReturnType<typeof toSubmittedIntent> };
}> {
  const result = await governor.submit(actor, (body ?? {}) as CreateIntentInput);
  const payload = { data: toSubmittedIntent(result.intent) };
  return result.replayed
    ? { status: 200, replayed: true, payload }
    : { status: 201, replayed: false, payload };
}

/** Marks a replayed submission's answer. */
export const REPLAYED_HEADER = "idempotent-replayed";

export function registerCreateIntent(app: OpenAPIHono<AppEnv>): void {
  mountRoute(app, createIntentRoute, async (c) => {
    const answer = await submitIntent(c.get("governor"), actorOf(c), c.get("body"));
    if (answer.replayed) c.header(REPLAYED_HEADER, "true");
    return c.json(answer.payload, answer.status);
  });
}
