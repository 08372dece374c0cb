import { newId } from "../ids";
import type { AuditEvent, AuditEventDraft } from "../model/audit-event";
import { sha256Hex } from "../sha256";
import type { AuditHead } from "../storage/storage-port";
import { canonicalJson } from "./canonical-json";

/** The `prevHash` of a chain's first event: 64 zeros. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields of an event that its hashes cover (everything except the hashes themselves). */
export type AuditEventBody = Omit<AuditEvent, "prevHash" | "hash" | "leafHash">;

// RFC 6962 domain-separation prefix for leaves; a future Merkle tree prefixes nodes with 0x01.
// As text it is U+0000, whose UTF-8 encoding is the single byte 0x00.
const LEAF_PREFIX = "\u0000";

/** The hashed body of an event, field by field, so stray extra properties never enter the hash. */
export function auditEventBody(event: AuditEventBody): AuditEventBody {
  return {
    id: event.id,
    tenantId: event.tenantId,
    seq: event.seq,
    eventType: event.eventType,
    actor: event.actor,
    agentId: event.agentId,
    intentId: event.intentId,
    data: event.data,
    timestamp: event.timestamp,
  };
}

const quoted = (text: string): string => JSON.stringify(text);
const isText = (value: unknown): value is string => typeof value === "string";
const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === "string";

/** True for a body of the nine fields with the types the schema gives them (the usual case). */
function isUsualBody(event: AuditEventBody): boolean {
  const { actor, agentId, data, eventType, id, intentId, seq, tenantId, timestamp } = event;
  return (
    isText(actor) &&
    isTextOrNull(agentId) &&
    typeof data === "object" &&
    data !== null &&
    isText(eventType) &&
    isText(id) &&
    isTextOrNull(intentId) &&
    typeof seq === "number" &&
    Number.isFinite(seq) &&
    isText(tenantId) &&
    isText(timestamp)
  );
}

/** The canonical text of a usual body whose `data` is already serialized. Keys in canonical order. */
function usualBodyText(event: AuditEventBody, dataText: string): string {
  const { actor, agentId, eventType, id, intentId, seq, tenantId, timestamp } = event;
  return (
    `{"actor":${quoted(actor)},"agentId":${agentId === null ? "null" : quoted(agentId)},` +
    `"data":${dataText},"eventType":${quoted(eventType)},"id":${quoted(id)},` +
    `"intentId":${intentId === null ? "null" : quoted(intentId)},"seq":${String(seq)},` +
    `"tenantId":${quoted(tenantId)},"timestamp":${quoted(timestamp)}}`
  );
}

/**
 * `canonicalJson(auditEventBody(event))`, written out for the usual body so only `data` goes
 * through the generic serializer; any other body takes the generic path.
 */
export function canonicalAuditBody(event: AuditEventBody): string {
  return serializeBody(event).canonical;
}

/** The canonical body, and its `data` text when the usual path serialized that on its own. */
function serializeBody(event: AuditEventBody): { canonical: string; dataText?: string } {
  if (!isUsualBody(event)) return { canonical: canonicalJson(auditEventBody(event)) };
  const dataText = canonicalJson(event.data);
  return { canonical: usualBodyText(event, dataText), dataText };
}

/** The canonical `data` text of the events buildAuditEvents made, as their hashes covered it. */
const builtDataText = new WeakMap<AuditEvent, string>();

/**
 * An event's `data` as canonical JSON: the exact text its hashes cover, which is what stores
 * write to the event's row (any JSON text of the same value would verify as well; this one also
 * costs nothing more for an event buildAuditEvents made, since hashing serialized it already).
 */
export function auditDataJson(event: AuditEvent): string {
  return builtDataText.get(event) ?? canonicalJson(event.data);
}

/** `SHA-256(prevHash ‖ canonical(body))` as lowercase hex, for the event's own `prevHash`. */
export function hashAuditEvent(event: AuditEventBody & Pick<AuditEvent, "prevHash">): string {
  return chainHash(event.prevHash, canonicalAuditBody(event));
}

/** `SHA-256(0x00 ‖ canonical(body))` as lowercase hex: the RFC 6962 leaf hash of the event. */
export function leafHashOf(event: AuditEventBody): string {
  return leafHash(canonicalAuditBody(event));
}

/** Both hashes from one canonical serialization (the verifier's and the builder's hot path). */
export function computeHashes(body: AuditEventBody, prevHash: string): { hash: string; leafHash: string } {
  const canonical = canonicalAuditBody(body);
  return { hash: chainHash(prevHash, canonical), leafHash: leafHash(canonical) };
}

// Hashing `a + b` is hashing `a`'s bytes then `b`'s: the canonical text after the hash or prefix
// always starts with `{`, so no surrogate pair spans the seam.
function chainHash(prevHash: string, canonical: string): string {
  return sha256Hex(prevHash + canonical);
}

function leafHash(canonical: string): string {
  return sha256Hex(LEAF_PREFIX + canonical);
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Turns drafts into chained events that continue `head` (seq head.seq+1…, prevHash from head.hash).
 *
 * @example
 * const head = await tx.audit.lockHead(tenantId);
 * await tx.audit.append(tenantId, buildAuditEvents(head, drafts, { tenantId, now }));
 */
export function buildAuditEvents(
  head: AuditHead,
  drafts: readonly AuditEventDraft[],
  ctx: { tenantId: string; now: number; newId?: () => string },
): AuditEvent[] {
  if (!Number.isSafeInteger(head.seq) || head.seq < 0 || !HEX_HASH.test(head.hash)) {
    // A malformed head would silently start a chain that can never verify.
    throw new TypeError(`buildAuditEvents: invalid audit head (seq ${head.seq}, hash ${head.hash})`);
  }
  const timestamp = new Date(ctx.now).toISOString();
  const nextId = ctx.newId ?? (() => newId("auditEvent", ctx.now));
  const events: AuditEvent[] = [];
  let prevHash = head.hash;
  let seq = head.seq;
  for (const draft of drafts) {
    seq += 1;
    const body: AuditEventBody = {
      id: nextId(),
      tenantId: ctx.tenantId,
      seq,
      eventType: draft.eventType,
      actor: draft.actor,
      agentId: draft.agentId ?? null,
      intentId: draft.intentId ?? null,
      data: draft.data,
      timestamp,
    };
    const { canonical, dataText } = serializeBody(body);
    const hash = chainHash(prevHash, canonical);
    // Spelled out rather than spread: one object of one shape per event, on the submission path.
    const event: AuditEvent = {
      id: body.id,
      tenantId: body.tenantId,
      seq,
      eventType: body.eventType,
      actor: body.actor,
      agentId: body.agentId,
      intentId: body.intentId,
      data: body.data,
      timestamp,
      prevHash,
      hash,
      leafHash: leafHash(canonical),
    };
    events.push(event);
    if (dataText !== undefined) builtDataText.set(event, dataText);
    prevHash = hash;
  }
  return events;
}
