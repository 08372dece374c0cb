import { z } from "zod";
import { TrustTierSchema } from "./enums";

export const AGENT_STATUSES = ["active", "suspended"] as const;
export const AgentStatusSchema = z.enum(AGENT_STATUSES);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

export const AgentSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  domains: z.array(z.string()),
  intentTypes: z.array(z.string()),
  status: AgentStatusSchema,
  trustTier: TrustTierSchema,
  /** 0–1000. */
  trustScore: z.number().int().min(0).max(1000),
  /** When the agent entered its current tier (promotion dwell time). */
  tierSince: z.string(),
  /** Most recent outcomes, newest last, bounded by the trust config's window. */
  recentOutcomes: z.array(z.enum(["success", "failure"])),
  /** Consecutive failures (reset by a success). */
  failureStreak: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Agent = z.infer<typeof AgentSchema>;

/** What a caller supplies to register an agent. */
export const RegisterAgentInputSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, "Agent ID must be lowercase letters, digits, '.', '_' or '-'")
    .optional(),
  name: z
    .string({ error: "Agent name is required" })
    .trim()
    .min(1, "Agent name is required")
    .max(200, "Agent name must be at most 200 characters"),
  description: z.string().max(2000).optional(),
  domains: z.array(z.string().min(1)).default([]),
  intentTypes: z.array(z.string().min(1)).default([]),
});
export type RegisterAgentInput = z.input<typeof RegisterAgentInputSchema>;
