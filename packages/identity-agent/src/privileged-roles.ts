import { z } from "zod";

/**
 * Words that mark a role or group name as privileged. Matching is deliberately broad
 * (substring, any case): a false positive only asks a human to look, a false negative lets
 * an agent hand out admin rights unreviewed.
 */
export const IDENTITY_PRIVILEGED_ROLE_KEYWORDS = [
  "admin",
  "owner",
  "root",
  "superuser",
  "sudo",
  "privileged",
] as const;

/** Whether a role or group name looks privileged (contains one of the privileged keywords). */
export function touchesPrivilegedRole(name: string): boolean {
  const lower = name.toLowerCase();
  return IDENTITY_PRIVILEGED_ROLE_KEYWORDS.some((keyword) => lower.includes(keyword));
}

/** The caller's statement that the account or role holds privileged access. */
export const privilegedFlag = z
  .boolean()
  .default(false)
  .describe("Whether the account or role holds administrative or other privileged access (default false)");
