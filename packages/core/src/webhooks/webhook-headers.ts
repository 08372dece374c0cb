import { signIntendedOps } from "./intendedops-signature";
import { buildSignatureHeader } from "./standard-webhooks";

/** The headers of an outgoing IntendedOps webhook (a type alias so it fits any header record). */
export type WebhookHeaders = {
  /** The guide's hex signature, with the current secret only. */
  "x-intendedops-signature": string;
  "webhook-id": string;
  /** Seconds since the epoch. */
  "webhook-timestamp": string;
  /** Standard Webhooks `v1,<sig>` for the current secret, then the previous one during rotation. */
  "webhook-signature": string;
};

/**
 * Signs an outgoing webhook both ways: the guide's `x-intendedops-signature` and Standard Webhooks,
 * so receivers can verify with either. `timestamp` is in seconds; `previousSecret` keeps
 * receivers that still hold the old secret working while it is rotated.
 */
export async function buildWebhookHeaders(input: {
  id: string;
  timestamp: number;
  body: string;
  secret: string;
  previousSecret?: string;
}): Promise<WebhookHeaders> {
  const secrets = input.previousSecret === undefined ? [input.secret] : [input.secret, input.previousSecret];
  const [legacy, standard] = await Promise.all([
    signIntendedOps(input.body, input.secret),
    buildSignatureHeader({ id: input.id, timestamp: input.timestamp, body: input.body, secrets }),
  ]);
  return {
    "x-intendedops-signature": legacy,
    "webhook-id": input.id,
    "webhook-timestamp": String(input.timestamp),
    "webhook-signature": standard,
  };
}
