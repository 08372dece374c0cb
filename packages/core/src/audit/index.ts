export {
  type AuditEventBody,
  auditDataJson,
  auditEventBody,
  buildAuditEvents,
  computeHashes,
  GENESIS_HASH,
  hashAuditEvent,
  leafHashOf,
} from "./audit-chain";
export { canonicalJson } from "./canonical-json";
export {
  type ChainVerification,
  type ChainVerifier,
  type ChainVerifierOptions,
  createChainVerifier,
  verifyChain,
  verifyChainBatches,
} from "./chain-verifier";
