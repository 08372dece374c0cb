import { randomBytes, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "@intendedops/core";

/** `intendedops_<tenantId>_<secret>`; tenant ids never contain `_`, so the split is unambiguous. */
const API_KEY_RE = /^intendedops_([a-z0-9][a-z0-9-]{0,62})_([A-Za-z0-9]{1,256})$/;
export const TENANT_ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 32 base62 characters ≈ 190 bits, comfortably above the 128-bit floor. */
export const SECRET_LENGTH = 32;
/** 22 base62 characters ≈ 131 bits: the shortest secret accepted from operators. */
export const MIN_SECRET_LENGTH = 22;
const PREFIX_SECRET_CHARS = 4;

export interface ParsedApiKey {
  tenantId: string;
  secret: string;
}

/** Split a presented key into tenant and secret; undefined when it is not in the guide's format. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = API_KEY_RE.exec(key);
  if (!match) return undefined;
  return { tenantId: match[1]!, secret: match[2]! };
}

/** The floor for any secret, in bits. */
const MIN_SECRET_BITS = 128;

/**
 * The bits a secret of this length holds at most, judged by the alphabet it draws from: hex
 * (`openssl rand -hex`) 4 bits a character, and otherwise log2 of the letter and digit classes it
 * uses. A length rule alone would take 22 hex characters (88 bits) or 22 × "a".
 */
export function secretBits(secret: string): number {
  if (/^[0-9a-f]*$/.test(secret) || /^[0-9A-F]*$/.test(secret)) return secret.length * 4;
  const alphabet =
    (/[0-9]/.test(secret) ? 10 : 0) + (/[a-z]/.test(secret) ? 26 : 0) + (/[A-Z]/.test(secret) ? 26 : 0);
  return secret.length * Math.log2(alphabet);
}

/**
 * True for a key an operator may pass in INTENDEDOPS_BOOTSTRAP_KEY: the guide's format, and a
 * secret that can hold 128 bits (32 hex characters, 22 mixed-case letters and digits).
 */
export function isValidBootstrapKey(key: string): boolean {
  const parsed = parseApiKey(key);
  return (
    parsed !== undefined &&
    parsed.secret.length >= MIN_SECRET_LENGTH &&
    secretBits(parsed.secret) >= MIN_SECRET_BITS
  );
}

/** Unbiased base62 from a CSPRNG: bytes ≥ 248 are discarded so every character is equally likely. */
function randomBase62(length: number, random: (size: number) => Uint8Array): string {
  let out = "";
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * A new key for a tenant: `intendedops_<tenantId>_<32 base62 chars>`.
 * @example generateApiKey("default") // "intendedops_default_Xk…"
 */
export function generateApiKey(tenantId: string, random: (size: number) => Uint8Array = randomBytes): string {
  if (!TENANT_ID_RE.test(tenantId)) throw new TypeError(`Invalid tenant id: ${tenantId}`);
  return `intendedops_${tenantId}_${randomBase62(SECRET_LENGTH, random)}`;
}

/** SHA-256 hex of the whole key: the only form in which keys are stored. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** Constant-time equality of two hex digests. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * What may be shown of a key after creation: the tenant part and the first few secret characters —
 * only as many as leave `MIN_SECRET_LENGTH` characters (≥ 128 bits of base62) unshown. A key the
 * operator chose (`operatorChosen`) shows none of its secret: its alphabet is unknown, and the
 * usual `openssl rand -hex 16` secret holds exactly 128 bits, so every character shown would take
 * it below the floor.
 * @example displayPrefix(key, { operatorChosen: true }) // "intendedops_acme_"
 */
export function displayPrefix(key: string, options: { operatorChosen?: boolean } = {}): string {
  const parsed = parseApiKey(key);
  if (!parsed) return "";
  const revealable = options.operatorChosen ? 0 : PREFIX_SECRET_CHARS;
  const shown = Math.max(0, Math.min(revealable, parsed.secret.length - MIN_SECRET_LENGTH));
  return `intendedops_${parsed.tenantId}_${parsed.secret.slice(0, shown)}`;
}
