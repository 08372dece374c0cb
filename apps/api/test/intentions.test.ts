import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { el, INTENTION_FIELDS, publishIntention, SEED_INTENTION } from "./intentions-support";
import { createTestApp, DIALECTS, type TestApp } from "./support/test-app";

const VIEW_FIELDS = [...INTENTION_FIELDS].sort();

describe.each(DIALECTS)("intentions routes on %s", (dialect) => {
  let t: TestApp;
  let labels = 0;
  /** A valid create body with a label no other test uses. */
  const fresh = (overrides: Record<string, unknown> = {}) => ({
    ...SEED_INTENTION,
    label: `lookup_${++labels}`,
    ...overrides,
  });

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  describe("the seed's examples", () => {
    it("creates the seed's intention as a draft (201) when the bearer key has policy_write", async () => {
      const response = await t.request("POST", "/v1/intentions", {
        key: null,
        headers: { authorization: `Bearer ${t.keys.policy_write}` },
        body: SEED_INTENTION,
      });
      expect(response.status).toBe(201);
      const { data } = await response.json();
      expect(data).toEqual({
        id: expect.stringMatching(/^intention_/),
        label: "customer_support_lookup",
        display_name: "Customer Support Lookup",
        description: null,
        intent_class: "lookup",
        status: "draft",
        approval_required: false,
        ttl_minutes: 5,
        intent_types: [],
        data_elements: SEED_INTENTION.data_elements,
        created_at: "2026-03-02T10:00:00.000Z",
        updated_at: "2026-03-02T10:00:00.000Z",
      });
    });

    it("lists intentions as a plain data array when any key asks", async () => {
      const response = await t.request("GET", "/v1/intentions", {
        key: null,
        headers: { authorization: `Bearer ${t.keys.read_only}` },
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(Array.isArray(body.data)).toBe(true);
      const seed = body.data.find((i: { label: string }) => i.label === "customer_support_lookup");
      expect(Object.keys(seed).sort()).toEqual(VIEW_FIELDS);
    });

    it("reads the fields in the contract's order from the database (regression: PostgreSQL reordered them)", async () => {
      const created = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
      const listed = (await t.data("GET", "/v1/intentions")) as Record<string, unknown>[];
      const read = await t.data("GET", `/v1/intentions/${created.id}`);
      for (const intention of [listed.find((i) => i.id === created.id), read]) {
        expect(Object.keys(intention ?? {})).toEqual(INTENTION_FIELDS);
        for (const element of (intention?.data_elements ?? []) as object[]) {
          expect(Object.keys(element)).toEqual(["data_source_id", "path"]);
        }
      }
    });

    it("promotes the draft to active when it is published", async () => {
      const [seed] = (await t.data("GET", "/v1/intentions")) as { id: string; label: string }[];
      t.clock.advance(60_000);
      const response = await t.request("POST", `/v1/intentions/${seed?.id}/publish`, {
        key: null,
        headers: { authorization: `Bearer ${t.keys.policy_write}` },
      });
      expect(response.status).toBe(200);
      const { data } = await response.json();
      expect(data).toMatchObject({ id: seed?.id, status: "active", updated_at: "2026-03-02T10:01:00.000Z" });
      expect((await t.data("GET", `/v1/intentions/${seed?.id}`, { key: t.keys.agent })).status).toBe(
        "active",
      );
    });
  });

  it("answers 409 CONFLICT when the label is already used in the tenant", async () => {
    const body = fresh();
    await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body });
    const response = await t.request("POST", "/v1/intentions", { key: t.keys.policy_write, body });
    expect(response.status).toBe(409);
    expect((await response.json()).error).toMatchObject({ code: "CONFLICT" });
    const other = await t.request("POST", "/v1/intentions", { key: t.keys.other, body });
    expect(other.status).toBe(201);
  });

  it.each([
    ["intent_class", { intent_class: "delete" }],
    ["label", { label: "Customer Support Lookup" }],
    ["ttl_minutes", { ttl_minutes: 0 }],
    ["data_elements", { data_elements: [{ path: "Account.Name" }] }],
    ["intent_types", { intent_types: ["support"] }],
  ])("answers 400 VALIDATION_ERROR naming %s when it is malformed", async (field, overrides) => {
    const response = await t.request("POST", "/v1/intentions", {
      key: t.keys.policy_write,
      body: fresh(overrides),
    });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.details[0].path[0]).toBe(field);
  });

  it("answers 400 when the label is missing", async () => {
    const { label: _label, ...body } = SEED_INTENTION;
    const response = await t.request("POST", "/v1/intentions", { key: t.keys.policy_write, body });
    expect(response.status).toBe(400);
    expect((await response.json()).error.details).toContainEqual({
      path: ["label"],
      message: "label is required",
    });
  });

  it("lets an admin key create and publish too", async () => {
    const active = await publishIntention(t, fresh());
    const draft = await t.data("POST", "/v1/intentions", { key: t.keys.admin, body: fresh() });
    expect(active.status).toBe("active");
    expect((await t.data("POST", `/v1/intentions/${draft.id}/publish`, { key: t.keys.admin })).status).toBe(
      "active",
    );
  });

  it.each(["read_only", "agent", "approver"] as const)(
    "answers 403 FORBIDDEN on every change when the scope is %s",
    async (scope) => {
      const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
      const key = t.keys[scope];
      const attempts = [
        t.request("POST", "/v1/intentions", { key, body: fresh() }),
        t.request("PATCH", `/v1/intentions/${draft.id}`, { key, body: { ttl_minutes: 9 } }),
        t.request("POST", `/v1/intentions/${draft.id}/publish`, { key }),
        t.request("POST", `/v1/intentions/${draft.id}/archive`, { key }),
        t.request("POST", "/v1/intentions/ambient/amb_0123456789abcdef/generalize", { key }),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status).toBe(403);
        expect((await response.json()).error.code).toBe("FORBIDDEN");
      }
      expect((await t.data("GET", `/v1/intentions/${draft.id}`, { key })).status).toBe("draft");
      expect((await t.request("GET", "/v1/intentions/ambient", { key })).status).toBe(200);
    },
  );

  it("answers 401 when no key is presented", async () => {
    expect((await t.request("GET", "/v1/intentions", { key: null })).status).toBe(401);
    expect((await t.request("POST", "/v1/intentions", { key: null, body: fresh() })).status).toBe(401);
  });

  describe("PATCH /v1/intentions/:id", () => {
    it("changes the given fields while the intention is a draft", async () => {
      const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
      t.clock.advance(1000);
      const patched = await t.data("PATCH", `/v1/intentions/${draft.id}`, {
        key: t.keys.policy_write,
        body: {
          description: "Look up a customer's name + email when answering a support ticket.",
          intent_types: ["support.*"],
          data_elements: [el("Account.Name")],
        },
      });
      expect(patched).toEqual({
        ...draft,
        description: "Look up a customer's name + email when answering a support ticket.",
        intent_types: ["support.*"],
        data_elements: [el("Account.Name")],
        updated_at: new Date(t.clock()).toISOString(),
      });
    });

    it("records no change when a PATCH resends the stored values (regression: a retry added audit events)", async () => {
      const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
      t.clock.advance(1000);
      const body = {
        description: null,
        ttl_minutes: draft.ttl_minutes,
        data_elements: draft.data_elements,
        intent_types: [],
      };
      const patched = await t.data("PATCH", `/v1/intentions/${draft.id}`, { key: t.keys.policy_write, body });
      expect(patched).toEqual(draft);
      const changed = await t.data("PATCH", `/v1/intentions/${draft.id}`, {
        key: t.keys.policy_write,
        body: { ...body, ttl_minutes: 9 },
      });
      expect(changed.updated_at).toBe(new Date(t.clock()).toISOString());
      const audit = await t.data("GET", "/v1/audit?eventType=intention.updated&pageSize=100");
      const updates = audit.items.filter(
        (e: { data: { intentionId?: string } }) => e.data.intentionId === draft.id,
      );
      expect(updates.map((e: { data: { changes: unknown } }) => e.data.changes)).toEqual([
        { ttl_minutes: 9 },
      ]);
    });

    it("answers 409 INVALID_STATE once the intention is published", async () => {
      const active = await publishIntention(t, fresh());
      const response = await t.request("PATCH", `/v1/intentions/${active.id}`, {
        key: t.keys.policy_write,
        body: { ttl_minutes: 60 },
      });
      expect(response.status).toBe(409);
      expect((await response.json()).error.code).toBe("INVALID_STATE");
      expect((await t.data("GET", `/v1/intentions/${active.id}`)).ttl_minutes).toBe(5);
    });

    it("answers 400 when a patched field is malformed", async () => {
      const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
      const response = await t.request("PATCH", `/v1/intentions/${draft.id}`, {
        key: t.keys.policy_write,
        body: { intent_class: "everything" },
      });
      expect(response.status).toBe(400);
    });
  });

  describe("archive", () => {
    it("archives a draft or an active intention and refuses a second archive with 409", async () => {
      const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
      const active = await publishIntention(t, fresh());
      for (const { id } of [draft, active]) {
        const archived = await t.data("POST", `/v1/intentions/${id}/archive`, { key: t.keys.policy_write });
        expect(archived.status).toBe("archived");
      }
      const again = await t.request("POST", `/v1/intentions/${draft.id}/archive`, {
        key: t.keys.policy_write,
      });
      expect(again.status).toBe(409);
      const publish = await t.request("POST", `/v1/intentions/${draft.id}/publish`, {
        key: t.keys.policy_write,
      });
      expect(publish.status).toBe(409);
    });
  });

  it("records every change as an audit event with the acting key", async () => {
    const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
    await t.data("PATCH", `/v1/intentions/${draft.id}`, {
      key: t.keys.policy_write,
      body: { ttl_minutes: 7 },
    });
    await t.data("POST", `/v1/intentions/${draft.id}/publish`, { key: t.keys.policy_write });
    await t.data("POST", `/v1/intentions/${draft.id}/archive`, { key: t.keys.admin });
    const audit = await t.data("GET", "/v1/audit?pageSize=100");
    const events = audit.items.filter(
      (e: { data: { intentionId?: string } }) => e.data.intentionId === draft.id,
    );
    expect(events.map((e: { eventType: string }) => e.eventType).sort()).toEqual([
      "intention.archived",
      "intention.created",
      "intention.published",
      "intention.updated",
    ]);
    expect((await t.data("GET", "/v1/audit/verify")).valid).toBe(true);
  });

  it("answers 404 for another tenant's intention and leaves it untouched", async () => {
    const draft = await t.data("POST", "/v1/intentions", { key: t.keys.policy_write, body: fresh() });
    const key = t.keys.other;
    const attempts = [
      t.request("GET", `/v1/intentions/${draft.id}`, { key }),
      t.request("PATCH", `/v1/intentions/${draft.id}`, { key, body: { ttl_minutes: 9 } }),
      t.request("POST", `/v1/intentions/${draft.id}/publish`, { key }),
      t.request("POST", `/v1/intentions/${draft.id}/archive`, { key }),
      t.request("GET", "/v1/intentions/intention_unknown"),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("NOT_FOUND");
    }
    expect(await t.data("GET", `/v1/intentions/${draft.id}`)).toEqual(draft);
    const theirs = (await t.data("GET", "/v1/intentions", { key })) as { id: string }[];
    expect(theirs.some((i) => i.id === draft.id)).toBe(false);
  });

  it("documents every intentions route in the OpenAPI document", async () => {
    const document = await (await t.request("GET", "/openapi.json", { key: null })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/v1/intentions",
        "/v1/intentions/{id}",
        "/v1/intentions/{id}/publish",
        "/v1/intentions/{id}/archive",
        "/v1/intentions/ambient",
        "/v1/intentions/ambient/{clusterId}/generalize",
        "/v1/tokens/verify",
        "/.well-known/jwks.json",
      ]),
    );
  });
});
