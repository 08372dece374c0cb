import { generateWebhookSecret } from "@intendedops/core";
import type { SecretBox } from "./secret-box";

/** How long a replaced secret keeps working, so the other side can switch without losing a message. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** The secret fields outgoing webhook and inbound endpoint records share. */
export interface RotatableEndpoint {
  id: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  updatedAt: string;
}

/**
 * A new secret for an endpoint: the record to store, sealed and with the old secret kept for
 * ROTATION_OVERLAP_MS, and the plain secret to show once.
 * @example const { rotated, secret } = rotateSecret(endpoint, c.get("webhooks").secrets, Date.now());
 */
export function rotateSecret<E extends RotatableEndpoint>(
  endpoint: E,
  secrets: Pick<SecretBox, "seal">,
  now: number,
): { rotated: E; secret: string } {
  const secret = generateWebhookSecret();
  const rotated: E = {
    ...endpoint,
    secret: secrets.seal(secret, endpoint.id),
    // The stored form moves as is: it is bound to the same endpoint id.
    previousSecret: endpoint.secret,
    previousSecretExpiresAt: new Date(now + ROTATION_OVERLAP_MS).toISOString(),
    updatedAt: new Date(now).toISOString(),
  };
  return { rotated, secret };
}
