import { hmacSha256, timingSafeEqual, toHex, utf8 } from "./byte-encoding";

/**
 * The `x-intendedops-signature` value: hex HMAC-SHA256 of the exact body, keyed with the UTF-8
 * bytes of the whole secret string (a `whsec_` prefix included), as the guide's `verifyWebhook` computes it.
 */
export async function signIntendedOps(body: string, secret: string): Promise<string> {
  return toHex(await hmacSha256(secretBytes(secret), body));
}

/** True when `signature` is the `x-intendedops-signature` of `body` under `secret` (constant-time comparison). */
export async function verifyIntendedOps(body: string, signature: string, secret: string): Promise<boolean> {
  const expected = await signIntendedOps(body, secret);
  return timingSafeEqual(utf8(signature.toLowerCase()), utf8(expected));
}

function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new TypeError("webhook secret must be a non-empty string");
  }
  return utf8(secret);
}
