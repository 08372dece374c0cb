import { fromBase64, hmacSha256, timingSafeEqual, toBase64 } from "./byte-encoding";

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  const bytes = new Uint8Array(SECRET_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  return SECRET_PREFIX + toBase64(bytes);
}

/** What a Standard Webhooks signature covers. `timestamp` is in seconds since the epoch. */
export interface StandardWebhookMessage {
  id: string;
  timestamp: number;
  body: string;
}

/**
 * The Standard Webhooks v1 signature: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`,
 * keyed with the base64-decoded secret (after `whsec_`).
 */
export async function signStandardWebhook(
  message: StandardWebhookMessage & { secret: string },
): Promise<string> {
  return `v1,${toBase64(await hmacSha256(decodeSecret(message.secret), signedContent(message)))}`;
}

/**
 * The `webhook-signature` header for one or more secrets, space-separated
 * (`v1,<current> v1,<previous>` while a secret is being rotated).
 */
export async function buildSignatureHeader(
  message: StandardWebhookMessage & { secrets: readonly string[] },
): Promise<string> {
  if (message.secrets.length === 0) throw new TypeError("buildSignatureHeader needs at least one secret");
  const signatures = await Promise.all(
    message.secrets.map((secret) => signStandardWebhook({ ...message, secret })),
  );
  return signatures.join(" ");
}

/** Incoming headers: a Fetch `Headers` or a plain object such as Node's `req.headers`. */
export type WebhookHeadersInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyStandardWebhookInput {
  headers: WebhookHeadersInput;
  /** The raw request body, exactly as received. */
  body: string;
  /** One secret, or several (`secrets`) during rotation; a signature matching any of them is accepted. */
  secret?: string;
  secrets?: readonly string[];
  /** Maximum clock skew either way, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The current time in epoch milliseconds (default Date.now()). */
  now?: number;
}

export type StandardWebhookVerification =
  | { valid: true; id: string; timestamp: number }
  | {
      valid: false;
      error: "missing_headers" | "timestamp_too_old" | "timestamp_too_new" | "invalid_signature";
    };

/**
 * Verifies a Standard Webhooks request: headers present, timestamp within tolerance (replay
 * protection), and any `v1` signature matching any secret (constant-time).
 * A malformed `webhook-timestamp` counts as `missing_headers`.
 */
export async function verifyStandardWebhook(
  input: VerifyStandardWebhookInput,
): Promise<StandardWebhookVerification> {
  const keys = [...(input.secret === undefined ? [] : [input.secret]), ...(input.secrets ?? [])].map(
    decodeSecret,
  );
  if (keys.length === 0) throw new TypeError("verifyStandardWebhook needs a secret or secrets");

  const id = readHeader(input.headers, "webhook-id");
  const timestampText = readHeader(input.headers, "webhook-timestamp");
  const signatureHeader = readHeader(input.headers, "webhook-signature");
  if (!id || !timestampText || !signatureHeader || !/^\d{1,15}$/.test(timestampText)) {
    return { valid: false, error: "missing_headers" };
  }

  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  const tolerance = input.toleranceSeconds ?? 300;
  if (nowSeconds - timestamp > tolerance) return { valid: false, error: "timestamp_too_old" };
  if (timestamp - nowSeconds > tolerance) return { valid: false, error: "timestamp_too_new" };

  const content = signedContent({ id, timestamp, body: input.body });
  const expected = await Promise.all(keys.map((key) => hmacSha256(key, content)));
  const offered = parseSignatures(signatureHeader);
  let matched = false;
  // Every pair is compared (no early exit) so timing does not tell which secret matched.
  for (const candidate of offered) {
    for (const mac of expected) matched = timingSafeEqual(candidate, mac) || matched;
  }
  return matched ? { valid: true, id, timestamp } : { valid: false, error: "invalid_signature" };
}

function signedContent(message: StandardWebhookMessage): string {
  if (!Number.isSafeInteger(message.timestamp) || message.timestamp < 0) {
    throw new TypeError(`webhook timestamp must be whole seconds since the epoch (got ${message.timestamp})`);
  }
  return `${message.id}.${message.timestamp}.${message.body}`;
}

function decodeSecret(secret: string): Uint8Array<ArrayBuffer> {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = fromBase64(encoded);
  if (key === undefined || key.length === 0) {
    throw new TypeError("a Standard Webhooks secret must be `whsec_` followed by non-empty base64");
  }
  return key;
}

/** The decoded `v1` signatures of a `webhook-signature` header; other versions and junk are ignored. */
function parseSignatures(header: string): Uint8Array[] {
  const signatures: Uint8Array[] = [];
  for (const entry of header.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma === -1 || entry.slice(0, comma) !== "v1") continue;
    const bytes = fromBase64(entry.slice(comma + 1));
    if (bytes !== undefined) signatures.push(bytes);
  }
  return signatures;
}

function readHeader(headers: WebhookHeadersInput, name: string): string | undefined {
  if (typeof headers.get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = record[name];
  if (value === undefined) {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  return typeof value === "string" ? value : value?.join(" ");
}
