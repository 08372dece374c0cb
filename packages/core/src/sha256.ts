import * as nodeCrypto from "node:crypto";

/**
 * SHA-256 of a string's UTF-8 bytes, as lowercase hex: the one hash IntendedOps uses for audit
 * hashes, request fingerprints, ambient cluster ids and stored API keys. One-shot `crypto.hash`
 * (Node ≥ 20.12) is about twice as fast as a Hash object, which older Node 20 releases fall back to.
 */
export const sha256Hex: (text: string) => string =
  typeof nodeCrypto.hash === "function"
    ? (text) => nodeCrypto.hash("sha256", text, "hex")
    : (text) => nodeCrypto.createHash("sha256").update(text, "utf8").digest("hex");
