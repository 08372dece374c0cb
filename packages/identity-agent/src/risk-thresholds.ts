/**
 * Counts above which identity intents affect enough accounts to need more care, and the
 * role-name keywords that mark privileged access. Risk only ever rises.
 */
export const IDENTITY_THRESHOLDS = {
  /** Completing an access review that revokes more grants than this is high risk (default medium). */
  reviewRevocationsHighAbove: 25,
  /** Enforcing MFA on more users than this in one intent is medium risk: mass lock-out (default low). */
  mfaUsersMediumAbove: 100,
} as const;

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
export function isPrivilegedName(name: string): boolean {
  const lower = name.toLowerCase();
  return IDENTITY_PRIVILEGED_ROLE_KEYWORDS.some((keyword) => lower.includes(keyword));
}
