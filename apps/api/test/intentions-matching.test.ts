import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  categorize,
  el,
  publishIntention,
  ref,
  SEED_INTENTION,
  SUPPORT_AGENT,
  submit,
} from "./intentions-support";
import { createTestApp, DIALECTS, type TestApp } from "./support/test-app";

/** The seed's intention, scoped to support work. */
const supportLookup = { ...SEED_INTENTION, intent_types: ["support.*"] };

describe.each(DIALECTS)("intention matching through the API on %s", (dialect) => {
  let t: TestApp;

  // A fresh app per test: each one starts from a tenant without intentions.
  beforeEach(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: SUPPORT_AGENT });
  });
  afterEach(() => t.close());

  it("matches the very next evaluation once a draft is published", async () => {
    const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: supportLookup });
    const before = await submit(t, categorize({ dataElements: [ref("Account.Name")] }));
    expect(before.decision.intention).toBe("ambient");

    await t.data("POST", `/v1/intentions/${draft.id}/publish`, { key: t.keys.policy_write });
    const after = await submit(t, categorize({ dataElements: [ref("Account.Name")] }));
    expect(after.decision.intention).toBe("customer_support_lookup");
    const stored = await t.data("GET", `/v1/intents/${after.intentId}`);
    expect(stored.intention).toBe("customer_support_lookup");
    expect(stored.decision.intention).toBe("customer_support_lookup");
  });

  it("matches a named active intention that covers the type", async () => {
    await publishIntention(t, supportLookup);
    await publishIntention(t, { ...supportLookup, label: "narrower", data_elements: [] });
    const named = await submit(t, categorize({ intention: "customer_support_lookup" }));
    expect(named.decision.intention).toBe("customer_support_lookup");
  });

  it("auto-matches the narrowest intention whose elements include every requested one", async () => {
    await publishIntention(t, {
      ...supportLookup,
      label: "wide_lookup",
      data_elements: [el("Account.Name"), el("Contact.Email"), el("Contact.Phone")],
    });
    await publishIntention(t, supportLookup);
    await publishIntention(t, { ...supportLookup, label: "too_narrow", data_elements: [el("Account.Name")] });
    const intent = await submit(t, categorize({ dataElements: [ref("Contact.Email"), ref("Account.Name")] }));
    expect(intent.decision.intention).toBe("customer_support_lookup");
  });

  it("applies the contract's example as written (no intent_types) only to intents that request its data", async () => {
    // SEED_INTENTION is the contract's create body verbatim: no intent_types.
    await publishIntention(t, SEED_INTENTION);
    const nothingRequested = await submit(t, categorize());
    expect(nothingRequested.decision.intention).toBe("ambient");
    const requested = await submit(t, categorize({ dataElements: [ref("Contact.Email")] }));
    expect(requested.decision.intention).toBe("customer_support_lookup");
  });

  it("records ambient when no active intention covers the type and elements", async () => {
    await publishIntention(t, { ...supportLookup, intent_types: ["billing.*"] });
    await t.data("POST", "/v1/intentions", {
      key: t.keys.policy_write,
      body: { ...supportLookup, label: "a_draft" },
    });
    const intent = await submit(t, categorize({ dataElements: [ref("Account.Name")] }));
    expect(intent.decision.intention).toBe("ambient");
    expect((await t.data("GET", `/v1/intents/${intent.intentId}`)).intention).toBe("ambient");
  });

  it("blocks with a reason naming the element when the matched intention does not allow it", async () => {
    await publishIntention(t, supportLookup);
    const intent = await submit(
      t,
      categorize({
        intention: "customer_support_lookup",
        dataElements: [ref("Account.Name"), ref("Contact.Phone")],
      }),
    );
    expect(intent.status).toBe("blocked");
    expect(intent.decision).toMatchObject({
      outcome: "block",
      intention: "customer_support_lookup",
      reasons: ["Intention customer_support_lookup does not allow salesforce_prod:Contact.Phone"],
    });
  });

  it("sends a matched intent to a human when approval_required is set, even for a T4 agent", async () => {
    await t.data("PUT", "/v1/agents/support-agent/trust", {
      body: { tier: "T4", reason: "Proven in production" },
    });
    const plain = await submit(t, categorize());
    expect(plain.status).toBe("approved");

    await publishIntention(t, { ...supportLookup, approval_required: true });
    const gated = await submit(t, categorize({ dataElements: [ref("Account.Name")] }));
    expect(gated.status).toBe("pending");
    expect(gated.decision).toMatchObject({
      outcome: "require_approval",
      trustTier: "T4",
      intention: "customer_support_lookup",
      reasons: ["Intention customer_support_lookup requires approval"],
    });
  });

  it("stops matching once the intention is archived", async () => {
    const active = await publishIntention(t, supportLookup);
    expect((await submit(t, categorize({ intention: "customer_support_lookup" }))).decision.intention).toBe(
      "customer_support_lookup",
    );
    await t.data("POST", `/v1/intentions/${active.id}/archive`, { key: t.keys.policy_write });
    const after = await submit(t, categorize({ intention: "customer_support_lookup" }));
    expect(after.decision.intention).toBe("ambient");
  });
});
