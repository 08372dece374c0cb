import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical-json";

/**
 * SHA-256 (hex) of the canonical JSON of a parsed request: equal bodies give equal
 * fingerprints whatever their key order, so an idempotent retry is recognised as the same request.
 */
export function requestFingerprint(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body), "utf8").digest("hex");
}
