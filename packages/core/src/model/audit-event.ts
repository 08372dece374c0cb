import { z } from "zod";

/** A tamper-evident audit event; `hash = SHA-256(prevHash ‖ canonical(event body))`. */
export const AuditEventSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  /** 1-based position in the tenant's chain. */
  seq: z.number().int().positive(),
  eventType: z.string(),
  actor: z.string(),
  agentId: z.string().nullable(),
  intentId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  timestamp: z.string(),
  prevHash: z.string(),
  hash: z.string(),
  /** RFC 6962 leaf hash: SHA-256(0x00 ‖ canonical(event body)). */
  leafHash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** What a writer supplies; the chain fills id, seq, hashes. */
export type AuditEventDraft = Pick<AuditEvent, "eventType" | "actor" | "data"> & {
  agentId?: string | null;
  intentId?: string | null;
};
