import {
  type Actor,
  CompleteIntentInputSchema,
  type Governor,
  IntendedOpsError,
  type Intent,
  metrics,
  type StandardWebhookVerification,
  validationError,
  verifyStandardWebhook,
  type WebhookHeadersInput,
} from "@intendedops/core";
import type { InboundEndpointRecord, KyselyStore } from "@intendedops/storage";
import { z } from "zod";
import { assertStorableJson } from "../middleware/json-shape";
import type { SecretBox } from "./secret-box";

/** Signed timestamps older or newer than this are refused (Standard Webhooks' default). */
export const INBOUND_TOLERANCE_SECONDS = 300;

/** What an external executor reports: the intent and how it ended. Strict, like every body. */
export const InboundReportSchema = z.discriminatedUnion(
  "outcome",
  [
    z.strictObject({
      intentId: z.string({ error: "intentId is required" }).min(1, "intentId is required").max(200),
      outcome: z.literal("completed"),
      result: z.unknown().optional(),
      /** As in the agent's own completion report: explicit value, else the type's estimate. */
      value: CompleteIntentInputSchema.shape.value,
    }),
    z.strictObject({
      intentId: z.string({ error: "intentId is required" }).min(1, "intentId is required").max(200),
      outcome: z.literal("failed"),
      error: z.string({ error: "error is required" }).trim().min(1, "error is required").max(4000),
    }),
  ],
  { error: "outcome must be completed or failed" },
);
export type InboundReport = z.infer<typeof InboundReportSchema>;

export interface InboundContext {
  store: KyselyStore;
  governor: Governor;
  secrets: SecretBox;
  clock: () => number;
}

export interface InboundRequest {
  endpointId: string;
  headers: WebhookHeadersInput;
  /** The raw body, exactly as received: the signature covers these bytes. */
  body: string;
}

export interface InboundResult {
  intent: Intent;
  /** The `webhook-id` of the accepted message. */
  messageId: string;
}

const REFUSALS: Record<Exclude<StandardWebhookVerification, { valid: true }>["error"], string> = {
  missing_headers: "Webhook signature missing: send webhook-id, webhook-timestamp and webhook-signature",
  timestamp_too_old: "Webhook timestamp is more than 5 minutes old",
  timestamp_too_new: "Webhook timestamp is more than 5 minutes in the future",
  invalid_signature: "Invalid webhook signature",
};

/** True when `type` is among `patterns` (`*`, an exact type, or `domain.*`); no patterns allows any. */
export function allowsIntentType(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some(
    (pattern) =>
      pattern === "*" ||
      pattern === type ||
      (pattern.endsWith(".*") && type.startsWith(pattern.slice(0, -1))),
  );
}

function secretsOf(endpoint: InboundEndpointRecord, secrets: SecretBox, now: number): string[] {
  const current = secrets.open(endpoint.secret, endpoint.id);
  const previousValid =
    endpoint.previousSecret !== null &&
    endpoint.previousSecretExpiresAt !== null &&
    endpoint.previousSecretExpiresAt > new Date(now).toISOString();
  return previousValid ? [current, secrets.open(endpoint.previousSecret!, endpoint.id)] : [current];
}

function parseReport(body: string): InboundReport {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "invalid JSON";
    throw new IntendedOpsError("VALIDATION_ERROR", "Malformed JSON in request body", [
      { path: [], message: reason },
    ]);
  }
  // The same refusals as every other body (bodyParser): this route reads its bytes itself.
  assertStorableJson(json, body);
  const parsed = InboundReportSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/**
 * Accepts an outcome report from an external executor: the Standard Webhooks signature must
 * verify against the endpoint's secret (or its previous one during rotation), the timestamp must
 * be within 5 minutes, and the `webhook-id` must be new for the endpoint; then the intent is
 * completed or failed exactly as the agent's own report would. Every request that names an
 * existing endpoint is counted in `intendedops_webhooks_received_total`.
 */
export async function receiveInbound(ctx: InboundContext, request: InboundRequest): Promise<InboundResult> {
  const endpoint = await ctx.store.webhooks.inbound.find(request.endpointId);
  if (!endpoint) throw new IntendedOpsError("NOT_FOUND", `Inbound endpoint not found: ${request.endpointId}`);
  let domain = "";
  try {
    const result = await accept(ctx, endpoint, request, (d) => {
      domain = d;
    });
    metrics.webhookReceived({ tenantId: endpoint.tenantId, domain, status: result.intent.status });
    return result;
  } catch (error) {
    metrics.webhookReceived({ tenantId: endpoint.tenantId, domain, status: "rejected" });
    throw error;
  }
}

async function accept(
  ctx: InboundContext,
  endpoint: InboundEndpointRecord,
  request: InboundRequest,
  onDomain: (domain: string) => void,
): Promise<InboundResult> {
  const now = ctx.clock();
  const verification = await verifyStandardWebhook({
    headers: request.headers,
    body: request.body,
    secrets: secretsOf(endpoint, ctx.secrets, now),
    toleranceSeconds: INBOUND_TOLERANCE_SECONDS,
    now,
  });
  if (!verification.valid) throw new IntendedOpsError("UNAUTHORIZED", REFUSALS[verification.error]);

  const report = parseReport(request.body);
  const { tenantId } = endpoint;
  const intent = await ctx.store.read((tx) => tx.intents.get(tenantId, report.intentId));
  if (!intent)
    throw new IntendedOpsError("NOT_FOUND", `Intent not found: ${report.intentId}`, { id: report.intentId });
  onDomain(intent.domain);
  if (!allowsIntentType(endpoint.intentTypes, intent.type)) {
    throw new IntendedOpsError(
      "FORBIDDEN",
      `This inbound endpoint may not report on ${intent.type} intents`,
      {
        intentTypes: endpoint.intentTypes,
      },
    );
  }

  const messageId = verification.id;
  const inbound = ctx.store.webhooks.inbound;
  const fresh = await inbound.remember(endpoint.id, messageId, new Date(now).toISOString());
  // The id is remembered in its own transaction, before the outcome's. A process that stopped
  // between the two left the id used, unsettled, and the intent still `approved`: the sender's
  // retry of that message must go through, or the outcome would be lost for good. A message whose
  // report was decided (applied, or refused for what it said) is a replay, whatever the intent's
  // state is now.
  if (!fresh && (intent.status !== "approved" || (await inbound.settled(endpoint.id, messageId)))) {
    throw new IntendedOpsError("CONFLICT", `Webhook message already received: ${messageId}`, { messageId });
  }
  const actor: Actor = {
    tenantId,
    id: endpoint.id,
    name: endpoint.description ?? "inbound webhook",
    kind: "system",
  };
  // Settling is best effort: an unsettled id is only ever retried while the intent is `approved`.
  const settle = () =>
    inbound.settle(endpoint.id, messageId, new Date(ctx.clock()).toISOString()).catch(() => undefined);
  let updated: Intent;
  try {
    updated =
      report.outcome === "completed"
        ? await ctx.governor.complete(actor, report.intentId, {
            ...(report.result !== undefined ? { result: report.result } : {}),
            ...(report.value !== undefined ? { value: report.value } : {}),
          })
        : await ctx.governor.fail(actor, report.intentId, { error: report.error });
  } catch (error) {
    // A refusal (wrong state, bad value) would be refused again: the id stays used, settled. An
    // unexpected failure releases it, so the sender's retry of the same message can succeed.
    if (error instanceof IntendedOpsError && error.status < 500) await settle();
    else await inbound.forget(endpoint.id, messageId).catch(() => undefined);
    throw error;
  }
  await settle();
  return { intent: updated, messageId };
}
