import { ambientClusterId } from "@intendedops/core";
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

const SECOND_AGENT = { ...SUPPORT_AGENT, name: "Support Night Shift" };

/** A low-risk internal note: class `write`, so a T0 agent waits for a human (still ambient traffic). */
function internalNote(dataElements: { dataSourceId: string; path: string }[]) {
  return {
    type: "support.send_response",
    agentId: "support-agent",
    params: { ticketId: "T-7", message: "Checked the logs", visibility: "internal" },
    dataElements,
  };
}

describe.each(DIALECTS)("ambient clusters on %s", (dialect) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await createTestApp(dialect);
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: SUPPORT_AGENT });
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: SECOND_AGENT });
  });
  afterEach(() => t.close());

  /** Three categorizations over {Account.Name, Contact.Email} by two agents, one note, one matched intent. */
  async function observeTraffic() {
    const start = t.clock();
    await submit(t, categorize({ dataElements: [ref("Contact.Email"), ref("Account.Name")] }));
    t.clock.advance(60_000);
    await submit(
      t,
      categorize({
        agentId: "support-night-shift",
        dataElements: [ref("Account.Name"), ref("Contact.Email"), ref("Account.Name")],
      }),
    );
    t.clock.advance(60_000);
    await submit(t, categorize({ dataElements: [ref("Account.Name"), ref("Contact.Email")] }));
    await submit(t, internalNote([ref("Ticket.Body", "zendesk")]));
    await publishIntention(t, {
      ...SEED_INTENTION,
      label: "phone_lookup",
      data_elements: [el("Contact.Phone")],
    });
    await submit(t, categorize({ dataElements: [ref("Contact.Phone")] }));
    return start;
  }

  it("groups unmatched traffic by domain, type and element set, largest first", async () => {
    const start = await observeTraffic();
    const response = await t.request("GET", "/v1/intentions/ambient", { key: t.keys.read_only });
    expect(response.status).toBe(200);
    const { data } = await response.json();
    expect(data).toHaveLength(2);
    const elementsKey = JSON.stringify([el("Account.Name"), el("Contact.Email")]);
    expect(data[0]).toEqual({
      id: ambientClusterId("support", "support.auto_categorize", elementsKey),
      domain: "support",
      intent_type: "support.auto_categorize",
      data_elements: [el("Account.Name"), el("Contact.Email")],
      count: 3,
      agents: ["support-agent", "support-night-shift"],
      first_seen_at: new Date(start).toISOString(),
      last_seen_at: new Date(start + 120_000).toISOString(),
      covered_by: null,
      suggested: {
        label: "support_auto_categorize",
        display_name: "Support Auto Categorize",
        description: `Drafted from ambient cluster ${data[0].id}: 3 intents of support.auto_categorize by support-agent, support-night-shift`,
        intent_class: "analysis",
        intent_types: ["support.auto_categorize"],
        data_elements: [el("Account.Name"), el("Contact.Email")],
      },
    });
    expect(data[1]).toMatchObject({
      id: expect.stringMatching(/^amb_[0-9a-f]{16}$/),
      intent_type: "support.send_response",
      count: 1,
      suggested: { label: "support_send_response", intent_class: "write" },
    });
  });

  it("keeps cluster ids stable across reads and honours the limit", async () => {
    await observeTraffic();
    const first = await t.data("GET", "/v1/intentions/ambient");
    await submit(t, internalNote([ref("Ticket.Body", "zendesk")]));
    const second = await t.data("GET", "/v1/intentions/ambient");
    expect(second.map((c: { id: string }) => c.id).sort()).toEqual(
      first.map((c: { id: string }) => c.id).sort(),
    );
    expect(await t.data("GET", "/v1/intentions/ambient?limit=1")).toHaveLength(1);
    expect((await t.request("GET", "/v1/intentions/ambient?limit=0")).status).toBe(400);
  });

  it("creates the suggested draft when a cluster is generalized, and publishing it ends the ambient traffic", async () => {
    await observeTraffic();
    const [cluster] = await t.data("GET", "/v1/intentions/ambient");
    const response = await t.request("POST", `/v1/intentions/ambient/${cluster.id}/generalize`, {
      key: t.keys.policy_write,
    });
    expect(response.status).toBe(201);
    const draft = (await response.json()).data;
    expect(draft).toMatchObject({
      id: expect.stringMatching(/^intention_/),
      status: "draft",
      label: "support_auto_categorize",
      display_name: "Support Auto Categorize",
      description: cluster.suggested.description,
      intent_class: "analysis",
      intent_types: ["support.auto_categorize"],
      data_elements: [el("Account.Name"), el("Contact.Email")],
      approval_required: false,
      ttl_minutes: 5,
    });
    const audit = await t.data("GET", "/v1/audit?eventType=intention.created&pageSize=100");
    const created = audit.items.find(
      (e: { data: { intentionId: string } }) => e.data.intentionId === draft.id,
    );
    expect(created.data.origin).toEqual({ ambientClusterId: cluster.id });

    await t.data("POST", `/v1/intentions/${draft.id}/publish`, { key: t.keys.policy_write });
    const next = await submit(t, categorize({ dataElements: [ref("Contact.Email"), ref("Account.Name")] }));
    expect(next.decision.intention).toBe("support_auto_categorize");
    const after = await t.data("GET", "/v1/intentions/ambient");
    const same = after.find((c: { id: string }) => c.id === cluster.id);
    expect(same).toMatchObject({ count: 3, covered_by: "support_auto_categorize" });
    expect(same.suggested.label).toBe("support_auto_categorize_2");
  });

  it("gives each of several concurrent generalizations of one cluster its own free label", async () => {
    await observeTraffic();
    const [cluster] = await t.data("GET", "/v1/intentions/ambient");
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.request("POST", `/v1/intentions/ambient/${cluster.id}/generalize`, { key: t.keys.policy_write }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const labels = await Promise.all(responses.map(async (r) => (await r.json()).data.label));
    expect(labels.sort()).toEqual([
      "support_auto_categorize",
      "support_auto_categorize_2",
      "support_auto_categorize_3",
      "support_auto_categorize_4",
    ]);
  });

  it("answers 404 when the cluster is unknown or another tenant's", async () => {
    await observeTraffic();
    const [cluster] = await t.data("GET", "/v1/intentions/ambient");
    const theirs = await t.request("POST", `/v1/intentions/ambient/${cluster.id}/generalize`, {
      key: t.keys.other,
    });
    expect(theirs.status).toBe(404);
    expect(await t.data("GET", "/v1/intentions/ambient", { key: t.keys.other })).toEqual([]);
    const unknown = await t.request("POST", "/v1/intentions/ambient/amb_0000000000000000/generalize", {
      key: t.keys.policy_write,
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatchObject({ code: "NOT_FOUND" });
    expect(await t.data("GET", "/v1/intentions")).toEqual([
      expect.objectContaining({ label: "phone_lookup" }),
    ]);
  });
});
