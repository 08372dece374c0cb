import { z } from "@hono/zod-openapi";
import { AuditEventSchema, DATE_BOUND_RULE, parseDateBound } from "@intendedops/core";
import { dateTime, named } from "../../api-route";
import { PaginationQuerySchema, pageOf } from "../pagination";

/**
 * A date or date-time bound, normalised to the stored ISO form so string comparison is exact
 * (rules in `parseDateBound`: a bare date covers its whole UTC day, no zone means UTC).
 */
const dateBound = (name: string, edge: "start" | "end") =>
  z
    .string()
    .transform((value, ctx) => {
      const bound = parseDateBound(value, edge);
      if (bound !== undefined) return bound;
      ctx.addIssue({
        code: "custom",
        message: `${name} ${DATE_BOUND_RULE}`,
      });
      return z.NEVER;
    })
    .optional()
    .openapi({
      type: "string",
      description: "YYYY-MM-DD (its whole UTC day) or an ISO 8601 date-time; without a zone it is UTC",
      example: "2024-01-15T00:00:00.000Z",
    });

export const AuditQuerySchema = PaginationQuerySchema.extend({
  eventType: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  intentId: z.string().min(1).optional(),
  fromDate: dateBound("fromDate", "start"),
  toDate: dateBound("toDate", "end"),
});

/**
 * An anchor saved from an earlier verification (`eventCount` and `headHash`): the chain must still
 * hold that hash at that seq, which no edit of the database can fake (docs/audit.md, "Anchors").
 */
export const VerifyQuerySchema = z
  .object({
    anchorSeq: z
      .string()
      .regex(/^\d+$/, "anchorSeq must be a whole number")
      .transform(Number)
      .pipe(z.number().int().min(1, "anchorSeq must be at least 1").max(Number.MAX_SAFE_INTEGER))
      .optional()
      .openapi({ type: "integer", minimum: 1, description: "seq of a saved anchor (an earlier eventCount)" }),
    anchorHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "anchorHash must be 64 lowercase hex digits")
      .optional()
      .openapi({ description: "hash of a saved anchor (an earlier headHash)" }),
  })
  .superRefine((query, ctx) => {
    if ((query.anchorSeq === undefined) !== (query.anchorHash === undefined)) {
      const missing = query.anchorSeq === undefined ? "anchorSeq" : "anchorHash";
      ctx.addIssue({ code: "custom", path: [missing], message: "anchorSeq and anchorHash go together" });
    }
  });

export const AuditEventViewSchema = named(AuditEventSchema.extend({ timestamp: dateTime() }), "AuditEvent");
export const AuditPageSchema = pageOf(AuditEventViewSchema, "AuditEventPage");
export const ChainVerificationSchema = z
  .object({
    valid: z.boolean(),
    eventCount: z.number().int(),
    firstInvalidSeq: z
      .number()
      .int()
      .optional()
      .openapi({ description: "Where the chain breaks, when invalid" }),
    headHash: z.string().optional().openapi({
      description:
        "When valid: the hash of the last event. Keep it with eventCount outside the database and pass both as anchorSeq and anchorHash later",
    }),
  })
  .openapi("ChainVerification");
