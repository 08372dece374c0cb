import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, DIALECTS, TENANT, type TestApp } from "./support/test-app";

// A documentation address (TEST-NET-3): public by the guard's rules, and never contacted here.
const PUBLIC_URL = "https://203.0.113.10/hooks";
const SECRET_FORMAT = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe.each(DIALECTS)("webhook routes on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  const create = (body: unknown = { url: PUBLIC_URL, events: ["intent.approved"] }) =>
    t.data("POST", "/v1/webhooks", { body });

  describe("POST /v1/webhooks", () => {
    it("returns 201 with a whsec_ secret of 32 random bytes when the body is valid", async () => {
      const response = await t.request("POST", "/v1/webhooks", {
        body: {
          url: PUBLIC_URL,
          events: ["intent.approved", "intent.rejected", "intent.approved"],
          description: "Ops channel",
        },
      });
      expect(response.status).toBe(201);
      const { data } = await response.json();
      expect(data).toMatchObject({
        id: expect.stringMatching(/^wh_[0-9A-Z]{26}$/),
        url: PUBLIC_URL,
        description: "Ops channel",
        events: ["intent.approved", "intent.rejected"],
        enabled: true,
        disabledReason: null,
        previousSecretExpiresAt: null,
      });
      expect(data.secret).toMatch(SECRET_FORMAT);
      expect(Buffer.from(data.secret.slice(6), "base64").length).toBeGreaterThanOrEqual(24);
    });

    it("never shows the secret again when the endpoint is read or listed", async () => {
      const created = await create();
      const one = await t.data("GET", `/v1/webhooks/${created.id}`);
      const list = await t.data("GET", "/v1/webhooks?pageSize=100");
      expect(one).not.toHaveProperty("secret");
      expect(JSON.stringify(one)).not.toContain(created.secret);
      expect(JSON.stringify(list)).not.toContain(created.secret);
      expect(list.items.map((w: { id: string }) => w.id)).toContain(created.id);
    });

    it("answers 400 naming each field when url and events are missing", async () => {
      const response = await t.request("POST", "/v1/webhooks", { body: {} });
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details.map((d: { path: string[] }) => d.path[0]).sort()).toEqual(["events", "url"]);
    });

    it.each([
      [{ url: PUBLIC_URL, events: ["intent.teleported"] }, "events"],
      [{ url: PUBLIC_URL, events: [] }, "events"],
      [{ url: "ftp://203.0.113.10/x", events: ["*"] }, "url"],
      [{ url: "not a url", events: ["*"] }, "url"],
      [{ url: "https://user:pass@203.0.113.10/x", events: ["*"] }, "url"],
    ])("answers 400 VALIDATION_ERROR when the body is %j", async (body, field) => {
      const response = await t.request("POST", "/v1/webhooks", { body });
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details[0].path[0]).toBe(field);
    });

    it.each([
      "http://127.0.0.1:8080/hooks",
      "http://localhost:8080/hooks",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]/hooks",
      "http://[::ffff:127.0.0.1]/hooks",
      "http://10.0.0.5/hooks",
      "http://192.168.1.20/hooks",
      "http://0.0.0.0/hooks",
    ])("refuses the private target %s by default", async (url) => {
      const response = await t.request("POST", "/v1/webhooks", { body: { url, events: ["*"] } });
      expect(response.status).toBe(400);
      const { error } = await response.json();
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.message).toMatch(/^url: .*(loopback|private)/);
    });
  });

  describe("scopes and tenants", () => {
    it.each(["agent", "approver", "policy_write", "read_only"] as const)(
      "answers 403 when a %s key manages webhooks",
      async (scope) => {
        const created = await create();
        for (const [method, path] of [
          ["GET", "/v1/webhooks"],
          ["POST", "/v1/webhooks"],
          ["GET", `/v1/webhooks/${created.id}`],
          ["DELETE", `/v1/webhooks/${created.id}`],
          ["POST", `/v1/webhooks/${created.id}/rotate-secret`],
          ["GET", `/v1/webhooks/${created.id}/deliveries`],
          ["POST", `/v1/inbound`],
        ] as const) {
          const response = await t.request(method, path, {
            key: t.keys[scope],
            ...(method === "POST" ? { body: { url: PUBLIC_URL, events: ["*"] } } : {}),
          });
          expect(response.status, `${method} ${path}`).toBe(403);
        }
      },
    );

    it("answers 401 when no key is sent", async () => {
      expect((await t.request("GET", "/v1/webhooks", { key: null })).status).toBe(401);
    });

    it("answers 404 for every operation when the endpoint belongs to another tenant", async () => {
      const created = await create();
      const other = { key: t.keys.other };
      expect((await t.request("GET", `/v1/webhooks/${created.id}`, other)).status).toBe(404);
      expect(
        (await t.request("PATCH", `/v1/webhooks/${created.id}`, { ...other, body: { enabled: false } }))
          .status,
      ).toBe(404);
      expect((await t.request("POST", `/v1/webhooks/${created.id}/rotate-secret`, other)).status).toBe(404);
      expect((await t.request("GET", `/v1/webhooks/${created.id}/deliveries`, other)).status).toBe(404);
      expect((await t.request("POST", `/v1/webhooks/${created.id}/test`, other)).status).toBe(404);
      expect((await t.request("DELETE", `/v1/webhooks/${created.id}`, other)).status).toBe(404);
      const list = await t.data("GET", "/v1/webhooks", other);
      expect(list.items.map((w: { id: string }) => w.id)).not.toContain(created.id);
      expect((await t.data("GET", `/v1/webhooks/${created.id}`)).enabled).toBe(true);
    });
  });

  describe("PATCH /v1/webhooks/:id", () => {
    it("disables and re-enables the endpoint when enabled changes", async () => {
      const created = await create();
      const disabled = await t.data("PATCH", `/v1/webhooks/${created.id}`, { body: { enabled: false } });
      expect(disabled).toMatchObject({ enabled: false, disabledReason: "Disabled through the API" });
      expect(disabled.disabledAt).not.toBeNull();
      const enabled = await t.data("PATCH", `/v1/webhooks/${created.id}`, { body: { enabled: true } });
      expect(enabled).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    });

    it("replaces the events and description when they are sent", async () => {
      const created = await create();
      const updated = await t.data("PATCH", `/v1/webhooks/${created.id}`, {
        body: { events: ["*"], description: "all of it" },
      });
      expect(updated).toMatchObject({ events: ["*"], description: "all of it", url: PUBLIC_URL });
    });

    it("answers 400 when the body changes nothing or moves the url to a private address", async () => {
      const created = await create();
      expect((await t.request("PATCH", `/v1/webhooks/${created.id}`, { body: {} })).status).toBe(400);
      const moved = await t.request("PATCH", `/v1/webhooks/${created.id}`, {
        body: { url: "http://127.0.0.1:9/x" },
      });
      expect(moved.status).toBe(400);
      expect((await t.data("GET", `/v1/webhooks/${created.id}`)).url).toBe(PUBLIC_URL);
    });
  });

  describe("POST /v1/webhooks/:id/rotate-secret", () => {
    it("returns a new secret and keeps the old one signing for 24 hours", async () => {
      const created = await create();
      const rotated = await t.data("POST", `/v1/webhooks/${created.id}/rotate-secret`);
      expect(rotated.secret).toMatch(SECRET_FORMAT);
      expect(rotated.secret).not.toBe(created.secret);
      expect(Date.parse(rotated.previousSecretExpiresAt)).toBe(t.clock() + 24 * 60 * 60 * 1000);
      t.clock.advance(24 * 60 * 60 * 1000 + 1);
      expect((await t.data("GET", `/v1/webhooks/${created.id}`)).previousSecretExpiresAt).toBeNull();
    });

    it("loses neither a rotation nor an edit when rotations and PATCHes overlap", async () => {
      const created = await create();
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => t.data("POST", `/v1/webhooks/${created.id}/rotate-secret`)),
        t.data("PATCH", `/v1/webhooks/${created.id}`, { body: { description: "edited" } }),
      ]);
      const stored = await t.services.store.webhooks.endpoints.get(TENANT, created.id);
      const box = t.services.webhooks.secrets;
      const current = box.open(stored!.secret, created.id);
      const previous = stored!.previousSecret === null ? null : box.open(stored!.previousSecret, created.id);
      // Serialized rotations: the last one's secret signs, the one before it is the previous secret,
      // and the edit stayed. Unserialized, two rotations read the same row and one secret vanished.
      const issued = results.slice(0, 4).map((r) => r.secret);
      expect(issued).toContain(current);
      expect(issued).toContain(previous);
      expect(previous).not.toBe(current);
      expect(stored!.description).toBe("edited");
      const chain = new Set([created.secret, ...issued]);
      expect(chain.size).toBe(5);
    });
  });

  describe("DELETE /v1/webhooks/:id", () => {
    it("deletes the endpoint when it exists", async () => {
      const created = await create();
      expect((await t.data("DELETE", `/v1/webhooks/${created.id}`)).id).toBe(created.id);
      expect((await t.request("GET", `/v1/webhooks/${created.id}`)).status).toBe(404);
      expect((await t.request("DELETE", `/v1/webhooks/${created.id}`)).status).toBe(404);
    });
  });

  describe("deliveries", () => {
    it("lists the deliveries fanned out from governor events with their payload", async () => {
      const created = await create({ url: PUBLIC_URL, events: ["agent.registered"] });
      await t.data("POST", "/v1/agents", {
        key: t.keys.agent,
        body: { name: "Ops Agent", domains: ["billing"], intentTypes: ["billing.*"] },
      });
      // Fan out only: attempting would contact the documentation address.
      await t.services.webhooks.dispatcher.fanOut();
      const page = await t.data("GET", `/v1/webhooks/${created.id}/deliveries`);
      expect(page.total).toBe(1);
      expect(page.items[0]).toMatchObject({
        webhookId: created.id,
        event: "agent.registered",
        status: "pending",
        attempts: [],
      });
      expect(JSON.parse(page.items[0].payload)).toMatchObject({
        event: "agent.registered",
        id: page.items[0].eventId,
      });
    });

    it("answers 404 when the delivery to redeliver does not exist", async () => {
      const response = await t.request(
        "POST",
        "/v1/webhooks/deliveries/dlv_01HN4X7KQZ8Y1A2B3C4D5E6F7G/redeliver",
      );
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe("NOT_FOUND");
    });
  });

  it("documents every webhook and inbound route when /openapi.json is read", async () => {
    const document = await (await t.request("GET", "/openapi.json", { key: null })).json();
    for (const path of [
      "/v1/webhooks",
      "/v1/webhooks/{id}",
      "/v1/webhooks/{id}/rotate-secret",
      "/v1/webhooks/{id}/deliveries",
      "/v1/webhooks/{id}/test",
      "/v1/webhooks/deliveries/{id}/redeliver",
      "/v1/inbound",
      "/v1/inbound/{id}",
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
  });
});

describe("webhook secrets at rest", () => {
  it("stores the secret encrypted when INTENDEDOPS_SECRET_KEY is set and as issued when it is not", async () => {
    const sealed = await createTestApp("sqlite", { INTENDEDOPS_SECRET_KEY: "k".repeat(40) });
    const plain = await createTestApp("sqlite");
    try {
      const body = { url: PUBLIC_URL, events: ["*"] };
      const a = await sealed.data("POST", "/v1/webhooks", { body });
      const b = await plain.data("POST", "/v1/webhooks", { body });
      const storedA = await sealed.store.webhooks.endpoints.get("acme", a.id);
      const storedB = await plain.store.webhooks.endpoints.get("acme", b.id);
      expect(storedA?.secret).toMatch(/^sealed:v1:/);
      expect(storedA?.secret).not.toContain(a.secret.slice(6));
      expect(sealed.services.webhooks.secrets.open(storedA!.secret, a.id)).toBe(a.secret);
      expect(storedB?.secret).toBe(b.secret);
    } finally {
      await sealed.close();
      await plain.close();
    }
  });

  it("accepts loopback targets when INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS=1", async () => {
    const t = await createTestApp("sqlite", { INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1" });
    try {
      const response = await t.request("POST", "/v1/webhooks", {
        body: { url: "http://127.0.0.1:8080/hooks", events: ["*"] },
      });
      expect(response.status).toBe(201);
    } finally {
      await t.close();
    }
  });
});
