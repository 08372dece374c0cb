import { z } from "@hono/zod-openapi";
import { AuditEventSchema } from "@intendedops/core";
import { named } from "../../api-route";
import { PaginationQuerySchema, pageOf } from "../pagination";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date or date-time bound, normalised to the stored ISO form so string comparison is exact.
 * A bare date covers its whole UTC day: `fromDate` from 00:00, `toDate` until 23:59:59.999.
 */
const dateBound = (name: string, edge: "start" | "end") =>
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), `${name} must be an ISO 8601 date or date-time`)
    .transform((value) => {
      if (DATE_ONLY.test(value)) return `${value}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`;
      return new Date(value).toISOString();
    })
    .optional()
    .openapi({ type: "string", format: "date-time", example: "2024-01-15T00:00:00.000Z" });

export const AuditQuerySchema = PaginationQuerySchema.extend({
  eventType: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  intentId: z.string().min(1).optional(),
  fromDate: dateBound("fromDate", "start"),
  toDate: dateBound("toDate", "end"),
});

export const AuditEventViewSchema = named(AuditEventSchema, "AuditEvent");
export const AuditPageSchema = pageOf(AuditEventViewSchema);
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
