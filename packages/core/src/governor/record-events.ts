import { buildAuditEvents } from "../audit/audit-chain";
import { newId } from "../ids";
import type { AuditEventDraft } from "../model/audit-event";
import type { OutboxEvent, StoreTx } from "../storage/storage-port";
import type { Actor } from "./governor-types";

/** An audit event to write; `actor` defaults to the acting actor's id. */
export type AuditDraft = Omit<AuditEventDraft, "actor"> & { actor?: string };

/** A webhook event to put in the outbox. */
export interface OutboxDraft {
  event: string;
  data: Record<string, unknown>;
}

/** What one state change records besides its entity rows. */
export interface EventDrafts {
  audit: readonly AuditDraft[];
  outbox: readonly OutboxDraft[];
}

/**
 * Append audit events (chained from the locked head) and enqueue outbox events inside `tx`,
 * returning the outbox rows written (those the store kept). Call it once per transaction, after
 * the entity writes, so the per-tenant audit lock is held as briefly as possible.
 * @example const events = await recordEvents(tx, tenantId, actor, { audit: drafts, outbox: [] }, now);
 */
export async function recordEvents(
  tx: StoreTx,
  tenantId: string,
  actor: Actor,
  drafts: EventDrafts,
  now: number,
): Promise<OutboxEvent[]> {
  if (drafts.audit.length > 0) {
    const head = await tx.audit.lockHead(tenantId);
    const withActor: AuditEventDraft[] = drafts.audit.map((draft) => ({
      ...draft,
      actor: draft.actor ?? actor.id,
    }));
    await tx.audit.append(tenantId, buildAuditEvents(head, withActor, { tenantId, now }));
  }
  if (drafts.outbox.length === 0) return [];
  const createdAt = new Date(now).toISOString();
  const events = drafts.outbox.map((draft) => ({
    id: newId("webhookEvent", now),
    tenantId,
    event: draft.event,
    data: draft.data,
    createdAt,
  }));
  return tx.outbox.enqueue(events);
}
