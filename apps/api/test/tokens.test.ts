import { verifyIntentToken } from "@intendedops/client";
import { createSigningKeyRepo } from "@intendedops/storage";
import { generateKeyPair, type JSONWebKeySet, SignJWT } from "jose";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { createServices } from "../src/services";
import { generateSigningKey } from "../src/tokens/signing-keys";
import {
  categorize,
  decodeSegment,
  el,
  publishIntention,
  ref,
  SEED_INTENTION,
  SUPPORT_AGENT,
  submit,
} from "./intentions-support";
import { BILLING_AGENT, createTestApp, DIALECTS, TENANT, type TestApp } from "./support/test-app";

/** A start-up error (the CLI prints its line alone, no stack) naming the variable to fix. */
const undecryptableSigningKey = {
  name: "StartupError",
  message: expect.stringMatching(/signing key .* cannot be decrypted: INTENDEDOPS_SECRET_KEY/),
};

import { startReceiver } from "./webhooks-support";

const TTL_MINUTES = 5;
const supportLookup = { ...SEED_INTENTION, intent_types: ["support.*"], ttl_minutes: TTL_MINUTES };

describe.each(DIALECTS)("intent tokens on %s", (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect, { INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS: "1" });
    // Real time, so the client's offline verifier (which reads the system clock) agrees on expiry.
    t.clock.set(Date.now());
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: SUPPORT_AGENT });
    await t.data("POST", "/v1/agents", { key: t.keys.agent, body: BILLING_AGENT });
    await publishIntention(t, supportLookup);
  });
  afterAll(() => t.close());

  /** An auto-approved intent that matched customer_support_lookup, and its token. */
  async function approvedWithToken(dataElements = [ref("Contact.Email")]) {
    const submitted = await submit(t, categorize({ dataElements }));
    expect(submitted.status).toBe("approved");
    const intent = await t.data("GET", `/v1/intents/${submitted.intentId}`, { key: t.keys.read_only });
    return { intent, token: intent.intentToken as string };
  }

  const verify = (token: string, key = t.keys.read_only) =>
    t.data("POST", "/v1/tokens/verify", { key, body: { token } });

  describe("minting", () => {
    it("signs the claims of an approved matched intent when GET /v1/intents/:id is read", async () => {
      const { intent, token } = await approvedWithToken([ref("Contact.Email"), ref("Account.Name")]);
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const header = decodeSegment(token, 0);
      const [key] = (await (await t.request("GET", "/.well-known/jwks.json", { key: null })).json()).keys;
      expect(header).toEqual({ alg: "EdDSA", kid: key.kid, typ: "JWT" });
      const iat = Math.floor(t.clock() / 1000);
      expect(decodeSegment(token, 1)).toEqual({
        iss: "intendedops",
        sub: "support-agent",
        tenant: TENANT,
        jti: intent.id,
        iat,
        exp: iat + TTL_MINUTES * 60,
        purp: {
          label: "customer_support_lookup",
          data_elements: [el("Account.Name"), el("Contact.Email")],
        },
      });
    });

    it("grants the intention's whole allowlist when the intent declared no elements", async () => {
      const submitted = await submit(t, categorize({ intention: "customer_support_lookup" }));
      const intent = await t.data("GET", `/v1/intents/${submitted.intentId}`);
      expect(decodeSegment(intent.intentToken, 1).purp).toEqual({
        label: "customer_support_lookup",
        data_elements: SEED_INTENTION.data_elements,
      });
    });

    it("mints nothing for an ambient intent", async () => {
      const submitted = await submit(t, categorize({ dataElements: [ref("Opportunity.Amount")] }));
      expect(submitted.decision.intention).toBe("ambient");
      const intent = await t.data("GET", `/v1/intents/${submitted.intentId}`);
      expect(intent.intentToken ?? null).toBeNull();
    });

    it("mints at the human's approval and puts the token in the intent.approved webhook", async () => {
      const receiver = await startReceiver();
      try {
        await t.data("POST", "/v1/webhooks", { body: { url: receiver.url, events: ["intent.approved"] } });
        await publishIntention(t, {
          ...SEED_INTENTION,
          label: "invoice_sending",
          intent_class: "write",
          intent_types: ["billing.send_invoice"],
          data_elements: [el("Customer.Email", "stripe")],
          ttl_minutes: 30,
        });
        const submitted = await submit(t, {
          type: "billing.send_invoice",
          agentId: "billing-agent",
          params: { customerId: "cust_9", amount: 120 },
          dataElements: [ref("Customer.Email", "stripe")],
        });
        expect(submitted.status).toBe("pending");
        const pending = await t.data("GET", `/v1/intents/${submitted.intentId}`);
        expect(pending.intentToken ?? null).toBeNull();

        t.clock.advance(90_000);
        await t.data("POST", `/v1/approvals/${pending.approval.id}/approve`, { key: t.keys.approver });
        const approved = await t.data("GET", `/v1/intents/${submitted.intentId}`);
        const claims = decodeSegment(approved.intentToken, 1);
        expect(claims).toMatchObject({
          sub: "billing-agent",
          jti: submitted.intentId,
          iat: Math.floor(t.clock() / 1000),
          exp: Math.floor(t.clock() / 1000) + 30 * 60,
          purp: { label: "invoice_sending" },
        });

        // Earlier auto-approvals sit in the outbox too: find this intent's event among them.
        await t.services.webhooks.dispatcher.run();
        const payloads = receiver.requests.map((request) => JSON.parse(request.body));
        const event = payloads.find((p) => p.data.intentId === submitted.intentId);
        expect(event).toMatchObject({
          event: "intent.approved",
          data: {
            intentId: submitted.intentId,
            approvedBy: expect.stringMatching(/^key_/),
            approvedByName: "approver key",
            intentToken: approved.intentToken,
          },
        });
      } finally {
        await receiver.close();
      }
    });

    it("uses the configured issuer when INTENDEDOPS_TOKEN_ISSUER is set", async () => {
      const custom = await createTestApp(dialect, { INTENDEDOPS_TOKEN_ISSUER: "https://governance.example" });
      try {
        await custom.data("POST", "/v1/agents", { key: custom.keys.agent, body: SUPPORT_AGENT });
        await publishIntention(custom, supportLookup);
        const submitted = await submit(custom, categorize({ intention: "customer_support_lookup" }));
        const intent = await custom.data("GET", `/v1/intents/${submitted.intentId}`);
        expect(decodeSegment(intent.intentToken, 1).iss).toBe("https://governance.example");
        const checked = await custom.data("POST", "/v1/tokens/verify", {
          body: { token: intent.intentToken },
        });
        expect(checked).toMatchObject({ valid: true, claims: { iss: "https://governance.example" } });
      } finally {
        await custom.close();
      }
    });
  });

  describe("POST /v1/tokens/verify", () => {
    it("answers valid with the claims when the token is the caller tenant's", async () => {
      const { token } = await approvedWithToken();
      const result = await verify(token);
      expect(result).toEqual({ valid: true, claims: decodeSegment(token, 1) });
    });

    it("answers expired once ttl_minutes have passed", async () => {
      const { token } = await approvedWithToken();
      const start = t.clock();
      try {
        t.clock.advance(TTL_MINUTES * 60_000 - 1000);
        expect((await verify(token)).valid).toBe(true);
        t.clock.advance(1000);
        expect(await verify(token)).toMatchObject({ valid: false, error: "expired" });
      } finally {
        t.clock.set(start);
      }
    });

    it("answers bad_signature when the claims were tampered with", async () => {
      const { token } = await approvedWithToken();
      const [header, payload, signature] = token.split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
      claims.purp.data_elements.push(el("Contact.Phone"));
      const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
      expect(await verify(forged)).toMatchObject({ valid: false, error: "bad_signature" });
    });

    it("answers bad_signature when another key signed a token under our kid", async () => {
      const { token } = await approvedWithToken();
      const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
      const forged = await new SignJWT(decodeSegment(token, 1))
        .setProtectedHeader({ alg: "EdDSA", kid: decodeSegment(token, 0).kid as string, typ: "JWT" })
        .sign(privateKey);
      expect(await verify(forged)).toMatchObject({ valid: false, error: "bad_signature" });
    });

    it("answers unknown_key when the kid names no signing key", async () => {
      const { token } = await approvedWithToken();
      const [, payload, signature] = token.split(".");
      const header = Buffer.from(JSON.stringify({ alg: "EdDSA", kid: "not-our-key", typ: "JWT" })).toString(
        "base64url",
      );
      expect(await verify(`${header}.${payload}.${signature}`)).toMatchObject({
        valid: false,
        error: "unknown_key",
      });
    });

    it.each(["not-a-token", "a.b.c", "eyJhbGciOiJFZERTQSJ9.e30.sig"])(
      "answers malformed when the token is %j",
      async (token) => {
        expect(await verify(token)).toMatchObject({ valid: false, error: "malformed" });
      },
    );

    it("answers other_tenant when another tenant's key checks the token", async () => {
      const { token } = await approvedWithToken();
      const result = await verify(token, t.keys.other);
      expect(result).toEqual({ valid: false, error: "other_tenant", message: expect.any(String) });
      expect(JSON.stringify(result)).not.toContain("customer_support_lookup");
    });

    it("answers 400 when the body has no token and 401 without a key", async () => {
      const missing = await t.request("POST", "/v1/tokens/verify", { body: {} });
      expect(missing.status).toBe(400);
      expect((await missing.json()).error.details[0]).toEqual({
        path: ["token"],
        message: "token is required",
      });
      const anonymous = await t.request("POST", "/v1/tokens/verify", { key: null, body: { token: "x" } });
      expect(anonymous.status).toBe(401);
    });

    it("answers 400 saying the token must be a string when it is not one (regression: it said required)", async () => {
      const response = await t.request("POST", "/v1/tokens/verify", { body: { token: 5 } });
      expect(response.status).toBe(400);
      expect((await response.json()).error.details).toEqual([
        { path: ["token"], message: "token must be a string" },
      ]);
    });

    it.each(["read_only", "agent", "approver", "policy_write", "admin"] as const)(
      "lets a %s key verify",
      async (scope) => {
        const { token } = await approvedWithToken();
        expect((await verify(token, t.keys[scope])).valid).toBe(true);
      },
    );
  });

  describe("GET /.well-known/jwks.json", () => {
    it("publishes only public Ed25519 keys without authentication", async () => {
      const response = await t.request("GET", "/.well-known/jwks.json", { key: null });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=300");
      const jwks = await response.json();
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).toEqual({
        kty: "OKP",
        crv: "Ed25519",
        x: expect.any(String),
        kid: expect.any(String),
        alg: "EdDSA",
        use: "sig",
      });
    });

    it("lets a downstream system verify offline with the client's verifyIntentToken", async () => {
      const { token } = await approvedWithToken([ref("Contact.Email")]);
      const jwks = (await (
        await t.request("GET", "/.well-known/jwks.json", { key: null })
      ).json()) as JSONWebKeySet;
      const email = { dataSourceId: "salesforce_prod", path: "Contact.Email" };
      const ok = await verifyIntentToken(token, { jwks, requireElements: [email], tenant: TENANT });
      expect(ok).toMatchObject({ valid: true, claims: { sub: "support-agent", tenant: TENANT } });

      const phone = { dataSourceId: "salesforce_prod", path: "Contact.Phone" };
      expect(await verifyIntentToken(token, { jwks, requireElements: [email, phone] })).toMatchObject({
        valid: false,
        error: "missing_data_element",
      });
      expect(await verifyIntentToken(token, { jwks, tenant: "globex" })).toMatchObject({
        valid: false,
        error: "other_tenant",
      });
      const otherKeys = await createTestApp("sqlite");
      try {
        const foreign = await (
          await otherKeys.request("GET", "/.well-known/jwks.json", { key: null })
        ).json();
        expect(await verifyIntentToken(token, { jwks: foreign })).toMatchObject({
          valid: false,
          error: "unknown_key",
        });
      } finally {
        await otherKeys.close();
      }
    });
  });

  describe("signing key", () => {
    it("keeps the key generated on first start, so another instance on the database verifies", async () => {
      const { token } = await approvedWithToken();
      const second = await createServices(loadConfig({ LOG_LEVEL: "silent" }), {
        store: t.store,
        clock: t.clock,
        logger: pino({ level: "silent" }),
      });
      expect(await second.tokens.jwks()).toEqual(await t.services.tokens.jwks());
      expect(await second.tokens.verify(token, TENANT)).toMatchObject({ valid: true });
      expect(await createSigningKeyRepo(t.store.db).list()).toHaveLength(1);
    });

    it("publishes, within 30 s, a key another instance stored after this one started", async () => {
      const repo = createSigningKeyRepo(t.store.db);
      // What a second instance does when it starts on an empty database at the same moment.
      const other = await generateSigningKey(t.clock(), { encrypts: false, seal: (s) => s, open: (s) => s });
      expect(await repo.insert(other)).toBe(true);
      try {
        const kids = async () =>
          (
            (await (await t.request("GET", "/.well-known/jwks.json", { key: null })).json()) as JSONWebKeySet
          ).keys.map((key) => key.kid);
        expect(await kids()).not.toContain(other.kid);
        t.clock.advance(30_000);
        expect(await kids()).toContain(other.kid);
      } finally {
        await sql`delete from signing_keys where kid = ${other.kid}`.execute(t.store.db);
      }
    });
  });
});

describe("intent token signing key at rest", () => {
  it.each(DIALECTS)(
    "seals a key stored before INTENDEDOPS_SECRET_KEY was set at the next start with it, on %s (regression)",
    async (dialect) => {
      const secretKey = "s".repeat(40);
      const t = await createTestApp(dialect);
      try {
        const repo = createSigningKeyRepo(t.store.db);
        const [plain] = await repo.list();
        expect(plain?.privateJwk).toContain('"d"');
        const withSecret = await createServices(
          loadConfig({ LOG_LEVEL: "silent", INTENDEDOPS_SECRET_KEY: secretKey }),
          { store: t.store, logger: pino({ level: "silent" }) },
        );
        const [stored] = await repo.list();
        expect(stored?.kid).toBe(plain?.kid);
        expect(stored?.privateJwk.startsWith("sealed:v1:")).toBe(true);
        expect(stored?.privateJwk).not.toContain('"d"');
        // Same key: the JWKS and tokens signed before the secret was set stay valid.
        expect(await withSecret.tokens.jwks()).toEqual(await t.services.tokens.jwks());
        await expect(
          createServices(loadConfig({ LOG_LEVEL: "silent" }), {
            store: t.store,
            logger: pino({ level: "silent" }),
          }),
        ).rejects.toMatchObject(undecryptableSigningKey);
      } finally {
        await t.close();
      }
    },
  );

  it("is sealed with INTENDEDOPS_SECRET_KEY and unreadable without it", async () => {
    const secretKey = "k".repeat(40);
    const t = await createTestApp("sqlite", { INTENDEDOPS_SECRET_KEY: secretKey });
    try {
      const [stored] = await createSigningKeyRepo(t.store.db).list();
      expect(stored?.privateJwk.startsWith("sealed:v1:")).toBe(true);
      expect(stored?.privateJwk).not.toContain('"d"');
      await expect(
        createServices(loadConfig({ LOG_LEVEL: "silent" }), {
          store: t.store,
          logger: pino({ level: "silent" }),
        }),
      ).rejects.toMatchObject(undecryptableSigningKey);
      const restarted = await createServices(
        loadConfig({ LOG_LEVEL: "silent", INTENDEDOPS_SECRET_KEY: secretKey }),
        { store: t.store, logger: pino({ level: "silent" }) },
      );
      expect(await restarted.tokens.jwks()).toEqual(await t.services.tokens.jwks());
    } finally {
      await t.close();
    }
  });
});
