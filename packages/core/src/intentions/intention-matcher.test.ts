import { describe, expect, it } from "vitest";
import type { DataElementRef } from "../model/intent";
import type { EvaluationIntent } from "../policy/evaluation-types";
import { compilePolicies } from "../policy/policy-compiler";
import { evaluate } from "../policy/policy-evaluator";
import { makeAgent, makePolicy, NOW } from "../policy/test-fixtures";
import { compileIntentions } from "./intention-matcher";
import type { Intention } from "./intention-schema";

function intention(label: string, overrides: Partial<Intention> = {}): Intention {
  return {
    id: `intention_${label}`,
    tenant_id: "tenant_test",
    label,
    display_name: label,
    description: null,
    intent_class: "lookup",
    status: "active",
    approval_required: false,
    ttl_minutes: 5,
    intent_types: ["support.*"],
    data_elements: [],
    created_at: "2026-04-20T10:00:00Z",
    updated_at: "2026-04-20T10:00:00Z",
    ...overrides,
  };
}

const el = (path: string, source = "salesforce_prod") => ({ data_source_id: source, path });
const ref = (path: string, dataSourceId = "salesforce_prod"): DataElementRef => ({ dataSourceId, path });

function lookup(overrides: Partial<EvaluationIntent> = {}): EvaluationIntent {
  return {
    type: "support.lookup_customer",
    domain: "support",
    agentId: "support-agent",
    params: {},
    riskLevel: "low",
    intentClass: "lookup",
    ...overrides,
  };
}

const customerSupportLookup = intention("customer_support_lookup", {
  data_elements: [el("Account.Name"), el("Contact.Email")],
});

describe("compileIntentions", () => {
  it("matches the named active intention when it covers the type", () => {
    const matcher = compileIntentions([customerSupportLookup, intention("other_lookup")]);
    const m = matcher.match(
      lookup({ intention: "customer_support_lookup", dataElements: [ref("Account.Name")] }),
    );
    expect(m).toMatchObject({ kind: "matched", named: true, disallowed: [] });
    expect(m.kind === "matched" && m.intention.label).toBe("customer_support_lookup");
  });

  it("reports requested elements outside the named intention's allowlist", () => {
    const matcher = compileIntentions([customerSupportLookup]);
    const m = matcher.match(
      lookup({
        intention: "customer_support_lookup",
        dataElements: [ref("Account.Name"), ref("Contact.Phone")],
      }),
    );
    expect(m).toMatchObject({ kind: "matched", named: true, disallowed: [ref("Contact.Phone")] });
  });

  it("blocks with one reason per disallowed element, however often the intent repeats it", () => {
    const matcher = compileIntentions([customerSupportLookup]);
    const phone = ref("Contact.Phone");
    const intent = lookup({
      intention: "customer_support_lookup",
      dataElements: [phone, ref("Account.Name"), phone, ref("Contact.Phone", "hubspot"), phone],
    });
    expect(matcher.match(intent)).toMatchObject({ disallowed: [phone, ref("Contact.Phone", "hubspot")] });
    const decision = evaluate(intent, {
      agent: makeAgent({ id: "support-agent", domains: ["support"] }),
      policies: compilePolicies([]),
      intentions: matcher,
      now: NOW,
    });
    expect(decision.reasons).toEqual([
      "Intention customer_support_lookup does not allow salesforce_prod:Contact.Phone",
      "Intention customer_support_lookup does not allow hubspot:Contact.Phone",
    ]);
  });

  it("compares data source and path together when checking the allowlist", () => {
    const matcher = compileIntentions([customerSupportLookup]);
    const m = matcher.match(
      lookup({ intention: "customer_support_lookup", dataElements: [ref("Account.Name", "hubspot")] }),
    );
    expect(m).toMatchObject({ disallowed: [ref("Account.Name", "hubspot")] });
  });

  it("auto-matches the narrowest intention whose elements include every requested one", () => {
    const wide = intention("wide", {
      data_elements: [el("Account.Name"), el("Contact.Email"), el("Contact.Phone")],
    });
    const narrow = intention("narrow", { data_elements: [el("Account.Name"), el("Contact.Email")] });
    const tooNarrow = intention("too_narrow", { data_elements: [el("Account.Name")] });
    const matcher = compileIntentions([wide, narrow, tooNarrow]);
    const m = matcher.match(lookup({ dataElements: [ref("Account.Name"), ref("Contact.Email")] }));
    expect(m).toMatchObject({ kind: "matched", named: false });
    expect(m.kind === "matched" && m.intention.label).toBe("narrow");
  });

  it("counts each allowed element once when ranking narrowest (regression: a listed duplicate made an intention look wider)", () => {
    const repeated = intention("repeated", {
      data_elements: [el("Account.Name"), el("Account.Name"), el("Account.Name")],
      created_at: "2026-02-01T00:00:00Z",
    });
    const wider = intention("wider", {
      data_elements: [el("Account.Name"), el("Contact.Email")],
      created_at: "2026-01-01T00:00:00Z",
    });
    const m = compileIntentions([wider, repeated]).match(lookup({ dataElements: [ref("Account.Name")] }));
    expect(m.kind === "matched" && m.intention.label).toBe("repeated");
  });

  it("breaks ties by oldest created_at, then label", () => {
    const older = intention("zeta", { data_elements: [el("A")], created_at: "2026-01-01T00:00:00Z" });
    const newer = intention("alpha", { data_elements: [el("A")], created_at: "2026-02-01T00:00:00Z" });
    const sameTimeB = intention("beta", { data_elements: [el("A")], created_at: "2026-01-01T00:00:00.000Z" });
    const label = (list: Intention[]) => {
      const m = compileIntentions(list).match(lookup({ dataElements: [ref("A")] }));
      return m.kind === "matched" ? m.intention.label : "ambient";
    };
    expect(label([newer, older])).toBe("zeta");
    expect(label([newer, older, sameTimeB])).toBe("beta");
  });

  it("prefers the narrowest across exact types, domain globs and type-free intentions", () => {
    const exact = intention("exact", {
      intent_types: ["support.lookup_customer"],
      data_elements: [el("A"), el("B")],
    });
    const glob = intention("glob", { intent_types: ["support.*"], data_elements: [el("A")] });
    const any = intention("any", { intent_types: [], data_elements: [el("A"), el("B"), el("C")] });
    const m = compileIntentions([exact, glob, any]).match(lookup({ dataElements: [ref("A")] }));
    expect(m.kind === "matched" && m.intention.label).toBe("glob");
  });

  it("picks a type-free intention by auto-match only for an intent that requests data elements", () => {
    // The contract's own example: no intent_types, scoped by its two Salesforce elements.
    const seed = intention("customer_support_lookup", {
      intent_types: [],
      data_elements: [el("Account.Name"), el("Contact.Email")],
    });
    const matcher = compileIntentions([seed]);
    const invoice = lookup({ type: "billing.send_invoice", domain: "billing", intentClass: "write" });
    // Regression: it matched every intent of the tenant that requested nothing.
    expect(matcher.match(invoice)).toEqual({ kind: "ambient" });
    expect(matcher.match(lookup())).toEqual({ kind: "ambient" });
    expect(matcher.match(lookup({ dataElements: [ref("Contact.Email")] }))).toMatchObject({
      kind: "matched",
      named: false,
      intention: { label: "customer_support_lookup" },
    });
    // Named, it still applies to an intent that requests nothing.
    expect(matcher.match({ ...invoice, intention: "customer_support_lookup" })).toMatchObject({
      kind: "matched",
      named: true,
    });
    // An intention that lists the type still covers an intent that requests nothing.
    const typed = intention("invoices", { intent_types: ["billing.send_invoice"], data_elements: [el("A")] });
    expect(compileIntentions([seed, typed]).match(invoice)).toMatchObject({
      intention: { label: "invoices" },
    });
  });

  it("is ambient when no active intention covers the type and the requested elements", () => {
    const matcher = compileIntentions([
      customerSupportLookup,
      intention("billing_only", { intent_types: ["billing.*"] }),
    ]);
    expect(matcher.match(lookup({ dataElements: [ref("Contact.Phone")] }))).toEqual({ kind: "ambient" });
    expect(matcher.match(lookup({ type: "sales.create_lead", domain: "sales" }))).toMatchObject({
      kind: "ambient",
    });
  });

  it("ignores draft and archived intentions", () => {
    const draft = intention("draft_one", { status: "draft" });
    const archived = intention("archived_one", { status: "archived" });
    const matcher = compileIntentions([draft, archived]);
    expect(matcher.match(lookup())).toEqual({ kind: "ambient" });
    expect(matcher.match(lookup({ intention: "archived_one" }))).toEqual({
      kind: "ambient",
      note: "Named intention archived_one is archived, not active; ambient",
    });
  });

  it("falls through to the auto-match rule with a note when the named intention does not cover the type", () => {
    const billing = intention("billing_lookup", { intent_types: ["billing.lookup_invoice"] });
    const support = intention("support_lookup", { intent_types: ["support.lookup_customer"] });
    const m = compileIntentions([billing, support]).match(lookup({ intention: "billing_lookup" }));
    expect(m).toMatchObject({
      kind: "matched",
      named: false,
      note: "Named intention billing_lookup does not cover type support.lookup_customer; matched by the auto-match rule instead",
    });
    expect(m.kind === "matched" && m.intention.label).toBe("support_lookup");
  });

  it("says when a named intention does not exist", () => {
    const m = compileIntentions([]).match(lookup({ intention: "nope" }));
    // Nothing covers it either: the note says the intent is ambient, not that auto-match matched.
    expect(m).toEqual({ kind: "ambient", note: "Named intention nope does not exist; ambient" });
  });
});

describe("evaluate with intentions", () => {
  const agent = makeAgent({ id: "support-agent", domains: ["support"], trustTier: "T4" });
  const decide = (intentions: Intention[], intent: EvaluationIntent, policies = compilePolicies([])) =>
    evaluate(intent, { agent, policies, intentions: compileIntentions(intentions), now: NOW });

  it("blocks with a reason naming the element when the matched intention does not allow it", () => {
    const d = decide(
      [customerSupportLookup],
      lookup({
        intention: "customer_support_lookup",
        dataElements: [ref("Contact.Phone"), ref("Account.Name")],
      }),
    );
    expect(d.outcome).toBe("block");
    expect(d.reasons).toEqual([
      "Intention customer_support_lookup does not allow salesforce_prod:Contact.Phone",
    ]);
    expect(d.intention).toBe("customer_support_lookup");
    expect(d.trace).toContainEqual(
      expect.objectContaining({ kind: "intention", matched: true, effect: "block" }),
    );
  });

  it("sends a matched approval_required intention to a human even at T4", () => {
    const gated = intention("gated_lookup", { approval_required: true, data_elements: [el("Account.Name")] });
    const d = decide([gated], lookup({ dataElements: [ref("Account.Name")] }));
    expect(d.outcome).toBe("require_approval");
    expect(d.reasons).toEqual(["Intention gated_lookup requires approval"]);
    expect(d.approval).toEqual({ approvers: 1 });
    expect(d.intention).toBe("gated_lookup");
  });

  it("keeps approval_required below a block policy", () => {
    const gated = intention("gated_lookup", { approval_required: true });
    const block = makePolicy({ name: "No support", effect: "block", match: { domains: ["support"] } });
    expect(decide([gated], lookup(), compilePolicies([block])).outcome).toBe("block");
  });

  it("keeps approval_required above an allow policy", () => {
    const gated = intention("gated_lookup", { approval_required: true });
    const allow = makePolicy({ name: "Allow support", effect: "allow", match: { domains: ["support"] } });
    expect(decide([gated], lookup(), compilePolicies([allow])).outcome).toBe("require_approval");
  });

  it("labels an intent blocked by its agent's state with the intention it matches, not ambient", () => {
    const intentions = compileIntentions([customerSupportLookup]);
    const intent = lookup({ intention: "customer_support_lookup", dataElements: [ref("Account.Name")] });
    const billingOnly = makeAgent({ id: "support-agent", domains: ["billing"], trustTier: "T4" });
    const suspended = makeAgent({ id: "support-agent", domains: ["support"], status: "suspended" });
    for (const blocked of [billingOnly, suspended]) {
      const d = evaluate(intent, { agent: blocked, policies: compilePolicies([]), intentions, now: NOW });
      expect(d.outcome).toBe("block");
      expect(d.intention).toBe("customer_support_lookup");
      expect(d.reasons).toHaveLength(1);
    }
    const uncovered = lookup({ type: "sales.lookup_lead", domain: "sales" });
    const unmatched = evaluate(uncovered, {
      agent: billingOnly,
      policies: compilePolicies([]),
      intentions,
      now: NOW,
    });
    expect(unmatched.intention).toBe("ambient");
  });

  it("records the intention label, or ambient, on the decision", () => {
    expect(decide([customerSupportLookup], lookup({ dataElements: [ref("Account.Name")] })).intention).toBe(
      "customer_support_lookup",
    );
    expect(decide([], lookup()).intention).toBe("ambient");
    const noMatcher = evaluate(lookup(), { agent, policies: compilePolicies([]), now: NOW });
    expect(noMatcher.intention).toBe("ambient");
  });

  it("adds a trace line when the named intention did not apply", () => {
    const d = decide([intention("draft_one", { status: "draft" })], lookup({ intention: "draft_one" }));
    expect(d.trace).toContainEqual(
      expect.objectContaining({
        kind: "intention",
        matched: false,
        why: expect.stringContaining("is draft, not active"),
      }),
    );
    expect(d.intention).toBe("ambient");
  });
});
