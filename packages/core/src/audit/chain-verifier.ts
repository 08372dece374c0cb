import type { AuditEvent } from "../model/audit-event";
import type { AuditHead } from "../storage/storage-port";
import { computeHashes, GENESIS_HASH } from "./audit-chain";

/** The outcome of verifying a chain; `firstInvalidSeq` is the first position (1-based) that does not check out. */
export interface ChainVerification {
  valid: boolean;
  eventCount: number;
  firstInvalidSeq?: number;
  /**
   * When valid: the hash of the last event (the genesis hash for an empty chain). Kept outside the
   * database with `eventCount`, it is an anchor a later verification can be given (`anchors`):
   * nothing in the database then lets a truncated or rewritten chain pass as valid.
   */
  headHash?: string;
}

/** A streaming verifier: push the chain in seq-ordered batches, read the result at any time. */
export interface ChainVerifier {
  push(batch: readonly AuditEvent[]): void;
  result(): ChainVerification;
}

/** Options for verification. */
export interface ChainVerifierOptions {
  /**
   * The head the store claims (from `audit_heads`). Without it a chain cut off at the end is
   * indistinguishable from a shorter valid chain; with it, truncation and tail rewrites are caught.
   */
  head?: AuditHead;
  /**
   * `(seq, hash)` pairs saved from earlier verifications (`eventCount` and `headHash`). The event
   * at each seq must still carry that hash: a chain cut short before an anchor is reported at the
   * first seq it lacks, and a chain rewritten at or before an anchor at the anchor's seq, even when
   * the head row was moved to match.
   */
  anchors?: readonly AuditHead[];
}

/**
 * Creates a verifier that holds only the running head, so millions of events can be checked
 * batch by batch straight from `AuditRepo.scan`.
 */
export function createChainVerifier(options: ChainVerifierOptions = {}): ChainVerifier {
  let eventCount = 0;
  let prevHash = GENESIS_HASH;
  let tenantId: string | undefined;
  let firstInvalidSeq: number | undefined;
  const anchors = new Map<number, string>();
  for (const anchor of options.anchors ?? []) {
    // Two different hashes for one seq cannot both hold: the second one fails there.
    const seen = anchors.get(anchor.seq);
    anchors.set(anchor.seq, seen === undefined || seen === anchor.hash ? anchor.hash : "");
  }
  const lastAnchorSeq = Math.max(0, ...anchors.keys());

  const check = (event: AuditEvent, expectedSeq: number): boolean => {
    if (event.seq !== expectedSeq || event.prevHash !== prevHash) return false;
    if (tenantId !== undefined && event.tenantId !== tenantId) return false;
    const hashes = computeHashes(event, prevHash);
    if (hashes.hash !== event.hash || hashes.leafHash !== event.leafHash) return false;
    const anchored = anchors.get(expectedSeq);
    return anchored === undefined || anchored === event.hash;
  };

  return {
    push(batch) {
      for (const event of batch) {
        eventCount += 1;
        if (firstInvalidSeq !== undefined) continue;
        let ok: boolean;
        try {
          ok = check(event, eventCount);
        } catch {
          // A stored event that cannot even be serialized (NaN in data, cycles) is tampered with.
          ok = false;
        }
        if (ok) {
          prevHash = event.hash;
          tenantId ??= event.tenantId;
        } else {
          firstInvalidSeq = eventCount;
        }
      }
    },
    result() {
      const invalidAt =
        firstInvalidSeq ??
        headMismatch(options.head, eventCount, prevHash) ??
        (lastAnchorSeq > eventCount ? eventCount + 1 : undefined);
      return invalidAt === undefined
        ? { valid: true, eventCount, headHash: prevHash }
        : { valid: false, eventCount, firstInvalidSeq: invalidAt };
    },
  };
}

/** Where a fully linked chain disagrees with the claimed head, if it does. */
function headMismatch(head: AuditHead | undefined, eventCount: number, lastHash: string): number | undefined {
  if (head === undefined) return undefined;
  if (head.seq > eventCount) return eventCount + 1;
  if (head.seq < eventCount) return head.seq + 1;
  return head.hash === lastHash ? undefined : Math.max(eventCount, 1);
}

/** Verifies a whole chain held in memory: seq continuity from 1, prevHash linkage, hash and leafHash. */
export function verifyChain(
  events: Iterable<AuditEvent>,
  options: ChainVerifierOptions = {},
): ChainVerification {
  const verifier = createChainVerifier(options);
  verifier.push(Array.isArray(events) ? events : [...events]);
  return verifier.result();
}

/**
 * Verifies a chain delivered in batches, e.g. `verifyChainBatches(tx.audit.scan(tenantId))`.
 */
export async function verifyChainBatches(
  batches: AsyncIterable<readonly AuditEvent[]> | Iterable<readonly AuditEvent[]>,
  options: ChainVerifierOptions = {},
): Promise<ChainVerification> {
  const verifier = createChainVerifier(options);
  for await (const batch of batches) verifier.push(batch);
  return verifier.result();
}
