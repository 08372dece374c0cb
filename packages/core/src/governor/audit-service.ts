import { type ChainVerification, createChainVerifier } from "../audit/chain-verifier";
import type { AuditEvent } from "../model/audit-event";
import type { AuditFilter, AuditHead, Page } from "../storage/storage-port";
import { normalizeDateBounds } from "./date-bound";
import type { GovernorContext } from "./governor-context";
import type { PageInput } from "./governor-types";
import { toPageRequest } from "./page-input";

const VERIFY_BATCH = 1000;

/** Audit queries and full-chain verification. */
export function createAuditService(ctx: GovernorContext) {
  async function queryAudit(
    tenantId: string,
    filter: AuditFilter = {},
    page?: PageInput,
  ): Promise<Page<AuditEvent>> {
    // Inside the async function, so a bad date rejects the promise rather than throwing at the call.
    const normalized = normalizeAuditFilter(filter);
    return ctx.store.read((tx) => tx.audit.list(tenantId, normalized, toPageRequest(page)));
  }

  /**
   * Recompute every hash of the tenant's chain, batch by batch, up to the head read first:
   * events appended during the scan belong to a later verification, and a chain shorter than
   * its head (truncated) or diverging from it is reported invalid. Rows stored past that head are
   * checked too: an append moves the head in its own transaction, so once the head is locked
   * again (no append in flight), a row beyond it was written around the chain, not through it.
   */
  async function verifyAudit(
    tenantId: string,
    options: { anchors?: readonly AuditHead[] } = {},
  ): Promise<ChainVerification> {
    const head = await ctx.store.transaction((tx) => tx.audit.lockHead(tenantId));
    const verifier = createChainVerifier({ head, ...(options.anchors ? { anchors: options.anchors } : {}) });
    let highestSeq = head.seq;
    await ctx.store.read(async (tx) => {
      for await (const batch of tx.audit.scan(tenantId, VERIFY_BATCH)) {
        const last = batch[batch.length - 1];
        if (last === undefined) continue;
        if (last.seq > highestSeq) highestSeq = last.seq;
        if (last.seq <= head.seq) verifier.push(batch);
        else verifier.push(batch.filter((event) => event.seq <= head.seq));
      }
    });
    const result = verifier.result();
    if (!result.valid || highestSeq === head.seq) return result;
    const current = await ctx.store.transaction((tx) => tx.audit.lockHead(tenantId));
    return highestSeq > current.seq
      ? { valid: false, eventCount: result.eventCount, firstInvalidSeq: current.seq + 1 }
      : result;
  }

  return { queryAudit, verifyAudit };
}

/**
 * Dates as ISO timestamps the stores compare as strings. A bare date covers its whole UTC day
 * (`toDate=2024-01-15` includes 15 January), as a person filtering by day expects.
 */
export function normalizeAuditFilter(filter: AuditFilter): AuditFilter {
  return normalizeDateBounds(filter, { fromDate: "start", toDate: "end" });
}
