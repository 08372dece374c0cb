import type { TestApp } from "./support/test-app";

/** Test support for the intentions and token suites: the seed's bodies and small helpers. */

/** The intentions contract's create body, verbatim. */
/**
 * The intention object's fields in the order the contract (intentions-api.txt) writes them, plus
 * `intent_types` (docs/intentions.md).
 */
export const INTENTION_FIELDS = [
  "id",
  "label",
  "display_name",
  "description",
  "intent_class",
  "status",
  "approval_required",
  "ttl_minutes",
  "intent_types",
  "data_elements",
  "created_at",
  "updated_at",
];

export const SEED_INTENTION = {
  label: "customer_support_lookup",
  display_name: "Customer Support Lookup",
  intent_class: "lookup",
  approval_required: false,
  ttl_minutes: 5,
  data_elements: [
    { data_source_id: "salesforce_prod", path: "Account.Name" },
    { data_source_id: "salesforce_prod", path: "Contact.Email" },
  ],
};

/** Registered as `support-agent` (the id comes from the name). */
export const SUPPORT_AGENT = {
  name: "Support Agent",
  description: "Answers and triages tickets",
  domains: ["support"],
  intentTypes: ["support.*"],
};

/** A data element as intentions write it. */
export const el = (path: string, dataSourceId = "salesforce_prod") => ({
  data_source_id: dataSourceId,
  path,
});

/** The same element as an intent requests it. */
export const ref = (path: string, dataSourceId = "salesforce_prod") => ({ dataSourceId, path });

/** Low risk, class `analysis`: a T0 agent gets it allowed without a human. */
export function categorize(overrides: Record<string, unknown> = {}) {
  return {
    type: "support.auto_categorize",
    agentId: "support-agent",
    params: { ticketId: "T-1001" },
    ...overrides,
  };
}

/** Create an intention with a policy_write key, publish it, and return the active view. */
// biome-ignore lint/suspicious/noExplicitAny: views are checked by value in assertions.
export async function publishIntention(t: TestApp, body: Record<string, unknown>): Promise<any> {
  const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body });
  return t.data("POST", `/v1/intentions/${draft.id}/publish`, { key: t.keys.policy_write });
}

/** Submit an intent with the agent key and return `{ intentId, status, decision, … }`. */
// biome-ignore lint/suspicious/noExplicitAny: responses are checked by value in assertions.
export function submit(t: TestApp, body: Record<string, unknown>, key = t.keys.agent): Promise<any> {
  return t.data("POST", "/v1/intents", { key, body });
}

/** The JSON object inside a JWT segment. */
export function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  const segment = token.split(".")[index] ?? "";
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;
}
