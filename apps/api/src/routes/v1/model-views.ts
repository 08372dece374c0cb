import { z } from "@hono/zod-openapi";
import {
  ApprovalSchema,
  ApprovalSettingsSchema,
  ApprovalVoteSchema,
  DecisionSchema,
  IntentSchema,
} from "@intendedops/core";
import { dateTime, named } from "../api-route";

/**
 * Core's intent, decision, approval and policy as the API documents them: the same fields, with
 * their timestamps marked `format: date-time` (core types them as plain strings), and the fields
 * the input schemas default (`approvers`, a policy's `enabled`, `mode`, `match`) required, since
 * every stored record carries them.
 */
export const ApprovalSettingsViewSchema = ApprovalSettingsSchema.extend({
  approvers: z.number().int().min(1).max(10),
});

export const DecisionViewSchema = named(
  DecisionSchema.extend({ approval: ApprovalSettingsViewSchema.optional(), evaluatedAt: dateTime() }),
  "Decision",
);

export const IntentRecordSchema = IntentSchema.extend({
  decision: DecisionViewSchema,
  createdAt: dateTime(),
  updatedAt: dateTime(),
  completedAt: dateTime().nullable(),
});

export const ApprovalRecordSchema = ApprovalSchema.extend({
  votes: z.array(ApprovalVoteSchema.extend({ at: dateTime() })),
  decidedAt: dateTime().nullable(),
  requestedAt: dateTime(),
  expiresAt: dateTime().nullable(),
});
