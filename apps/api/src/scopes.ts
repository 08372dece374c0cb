import { z } from "zod";

/** The permission scopes an API key may carry. */
export const SCOPES = ["read_only", "agent", "approver", "policy_write", "admin"] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

/**
 * What a route demands. `read` is granted to every key; `admin` satisfies everything.
 * Keeping the route → scope mapping as data makes the security matrix testable.
 */
export type Permission = "read" | "agent" | "approver" | "policy_write" | "admin";

/** True when a key with `scopes` may perform an operation that needs `permission`. */
export function hasPermission(scopes: readonly string[], permission: Permission): boolean {
  if (permission === "read") return scopes.length > 0;
  return scopes.includes("admin") || scopes.includes(permission);
}
