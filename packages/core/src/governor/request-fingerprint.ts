import { canonicalJson } from "../audit/canonical-json";
import { sha256Hex } from "../sha256";

/**
 * SHA-256 (hex) of the canonical JSON of a parsed request: equal bodies give equal
 * fingerprints whatever their key order, so an idempotent retry is recognised as the same request.
 */
export function requestFingerprint(body: unknown): string {
  return sha256Hex(canonicalJson(body));
}
