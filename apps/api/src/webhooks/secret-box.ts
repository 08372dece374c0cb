import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { IntendedOpsError } from "@intendedops/core";

const SEALED_PREFIX = "sealed:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Protects webhook secrets at rest. They sign (or verify) every request, so they cannot be hashed
 * like API keys: with a key they are encrypted (AES-256-GCM), without one they are stored as-is
 * and only ever returned once, at creation or rotation.
 */
export interface SecretBox {
  /** True when secrets are encrypted before they are stored. */
  readonly encrypts: boolean;
  /** The stored form of `secret`, bound to `context` (the endpoint id) so it cannot be moved to another row. */
  seal(secret: string, context: string): string;
  /** The secret from its stored form; plain stored secrets pass through. */
  open(stored: string, context: string): string;
}

function deriveKey(material: string): Buffer {
  return Buffer.from(hkdfSync("sha256", material, "", "intendedops webhook secrets v1", 32));
}

function unreadable(): IntendedOpsError {
  return new IntendedOpsError(
    "INTERNAL_ERROR",
    "A stored webhook secret cannot be decrypted: INTENDEDOPS_SECRET_KEY is missing or differs from the one that sealed it",
  );
}

/**
 * A SecretBox keyed by `INTENDEDOPS_SECRET_KEY` (any string of 32+ characters; the AES key is
 * derived from it with HKDF-SHA256), or a pass-through box when no key is set. Secrets stored
 * before a key was set keep working and are sealed on their next rotation.
 * @example const box = createSecretBox(process.env.INTENDEDOPS_SECRET_KEY); box.open(box.seal(s, id), id) === s
 */
export function createSecretBox(keyMaterial?: string): SecretBox {
  const key = keyMaterial === undefined ? undefined : deriveKey(keyMaterial);
  return {
    encrypts: key !== undefined,
    seal(secret, context) {
      if (!key) return secret;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      const parts = [iv, sealed, cipher.getAuthTag()].map((part) => part.toString("base64url"));
      return `${SEALED_PREFIX}${parts.join(".")}`;
    },
    open(stored, context) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored;
      if (!key) throw unreadable();
      const [iv, sealed, tag] = stored
        .slice(SEALED_PREFIX.length)
        .split(".")
        .map((part) => Buffer.from(part, "base64url"));
      if (!iv || !sealed || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw unreadable();
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv);
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(sealed), decipher.final()]).toString("utf8");
      } catch {
        throw unreadable();
      }
    },
  };
}
