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
  secrets: Pick<SecretBox, "seal" | "open">,
  now: number,
): { rotated: E; secret: string } {
  const secret = generateWebhookSecret();
  const rotated: E = {
    ...endpoint,
    secret: secrets.seal(secret, endpoint.id),
    previousSecret: sealedIfPlain(endpoint, secrets),
    previousSecretExpiresAt: new Date(now + ROTATION_OVERLAP_MS).toISOString(),
    updatedAt: new Date(now).toISOString(),
  };
  return { rotated, secret };
}

/**
 * The endpoint's stored secret, sealed if it is stored plain: a secret stored before
 * INTENDEDOPS_SECRET_KEY was set must not stay readable at rest as the previous one. A sealed one
 * moves as is (it is bound to the same endpoint id); without a key, seal stores it as it is.
 */
function sealedIfPlain(endpoint: RotatableEndpoint, secrets: Pick<SecretBox, "seal" | "open">): string {
  const plain = secrets.open(endpoint.secret, endpoint.id);
  return plain === endpoint.secret ? secrets.seal(plain, endpoint.id) : endpoint.secret;
}
