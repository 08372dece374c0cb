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
  })
  .openapi("ChainVerification");
