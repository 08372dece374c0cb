/** Longest id RegisterAgentInputSchema accepts. */
const MAX_AGENT_ID_LENGTH = 128;

/**
 * The default agent id derived from its name: lowercase, every run of other characters
 * becomes one dash, no dashes at the ends. Returns "" when nothing usable is left.
 * @example agentSlug("Billing Agent") // "billing-agent"
 */
export function agentSlug(name: string): string {
  return (
    name
      .normalize("NFKD")
      // Accents become their base letter ("Crème" → "creme") instead of a dash.
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .slice(0, MAX_AGENT_ID_LENGTH)
      .replace(/^-+|-+$/g, "")
  );
}
