import { z } from "zod";
import { TrustTierSchema } from "./enums";

export const TRUST_CHANGE_CAUSES = [
  "completion",
  "failure",
  "rejection",
  "policy_block",
  "override",
] as const;

export const TrustChangeSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  agentId: z.string(),
  fromTier: TrustTierSchema,
  toTier: TrustTierSchema,
  fromScore: z.number().int(),
  toScore: z.number().int(),
  cause: z.enum(TRUST_CHANGE_CAUSES),
  reason: z.string(),
  intentId: z.string().nullable(),
  at: z.string(),
});
export type TrustChange = z.infer<typeof TrustChangeSchema>;
