import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type StubApi, startStubApi } from "../test/stub-api-server";
import { createIntentTokenVerifier, verifyIntentToken } from "./intent-token";

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

const ISSUER = "https://api.intendedops.dev";
const elements = [
  { data_source_id: "salesforce_prod", path: "Account.Name" },
  { data_source_id: "salesforce_prod", path: "Contact.Email" },
];

let signer: KeyPair;
let stranger: KeyPair;
let jwks: JSONWebKeySet;
let api: StubApi | undefined;

beforeAll(async () => {
  signer = await generateKeyPair("EdDSA", { extractable: true });
  stranger = await generateKeyPair("EdDSA", { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(signer.publicKey)), kid: "k1", alg: "EdDSA", use: "sig" }] };
});

afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A token as the server signs it; `claims` overrides or (with undefined) removes claims. */
function sign(claims: JWTPayload = {}, key: CryptoKey = signer.privateKey, kid = "k1"): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: ISSUER,
    sub: "billing-agent",
    tenant: "acme",
    jti: "tok_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
    iat: now,
    exp: now + 300,
    purp: { label: "customer_support_lookup", data_elements: elements },
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: "EdDSA", kid }).sign(key);
}

describe("verifyIntentToken", () => {
  it("returns the claims when signature, expiry, issuer, tenant and elements check out", async () => {
    const result = await verifyIntentToken(await sign(), {
      jwks,
      issuer: ISSUER,
      tenant: "acme",
      requireElements: [{ dataSourceId: "salesforce_prod", path: "Contact.Email" }],
    });
    expect(result).toEqual({
      valid: true,
      claims: expect.objectContaining({
        sub: "billing-agent",
        tenant: "acme",
        purp: { label: "customer_support_lookup", data_elements: elements },
      }),
    });
  });

  it("refuses a token when a required data element is not in purp.data_elements", async () => {
    const result = await verifyIntentToken(await sign(), {
      jwks,
      requireElements: [
        { dataSourceId: "salesforce_prod", path: "Account.Name" },
        { dataSourceId: "salesforce_prod", path: "Opportunity.Amount" },
      ],
    });
    expect(result).toMatchObject({ valid: false, error: "missing_data_element" });
    expect(result.valid === false && result.message).toContain("Opportunity.Amount");
  });

  it("refuses a token when the element matches the path but not the data source", async () => {
    const result = await verifyIntentToken(await sign(), {
      jwks,
      requireElements: [{ dataSourceId: "hubspot", path: "Contact.Email" }],
    });
    expect(result).toMatchObject({ valid: false, error: "missing_data_element" });
  });

  it("refuses a token when it has expired", async () => {
    const past = Math.floor(Date.now() / 1000) - 600;
    const result = await verifyIntentToken(await sign({ iat: past, exp: past + 300 }), { jwks });
    expect(result).toMatchObject({ valid: false, error: "expired" });
  });

  it("refuses a token when it has no expiry", async () => {
    const result = await verifyIntentToken(await sign({ exp: undefined }), { jwks });
    expect(result).toMatchObject({ valid: false, error: "invalid_claims" });
  });

  it("refuses a token when another key signed it under a known key id", async () => {
    const forged = await sign({}, stranger.privateKey);
    expect(await verifyIntentToken(forged, { jwks })).toMatchObject({ valid: false, error: "bad_signature" });
  });

  it("refuses a token when its key id is not in the key set", async () => {
    const rotatedAway = await sign({}, signer.privateKey, "k0");
    expect(await verifyIntentToken(rotatedAway, { jwks })).toMatchObject({
      valid: false,
      error: "unknown_key",
    });
  });

  it("refuses a token when its payload was altered after signing", async () => {
    const [header, , signature] = (await sign()).split(".");
    const payload = Buffer.from(
      JSON.stringify({ tenant: "acme", purp: { label: "x", data_elements: [] } }),
    ).toString("base64url");
    const result = await verifyIntentToken(`${header}.${payload}.${signature}`, { jwks });
    expect(result).toMatchObject({ valid: false, error: "bad_signature" });
  });

  it("refuses a token when the tenant differs from the expected one", async () => {
    const result = await verifyIntentToken(await sign({ tenant: "globex" }), { jwks, tenant: "acme" });
    expect(result).toMatchObject({ valid: false, error: "other_tenant" });
  });

  it("refuses a token when the issuer differs from the expected one", async () => {
    const result = await verifyIntentToken(await sign({ iss: "https://evil.example" }), {
      jwks,
      issuer: ISSUER,
    });
    expect(result).toMatchObject({ valid: false, error: "issuer_mismatch" });
  });

  it("refuses a token when purp is missing or malformed", async () => {
    expect(await verifyIntentToken(await sign({ purp: undefined }), { jwks })).toMatchObject({
      valid: false,
      error: "invalid_claims",
    });
    const camel = { label: "x", data_elements: [{ dataSourceId: "salesforce_prod", path: "Account.Name" }] };
    expect(await verifyIntentToken(await sign({ purp: camel }), { jwks })).toMatchObject({
      valid: false,
      error: "invalid_claims",
    });
  });

  it("refuses a string that is not a JWT", async () => {
    expect(await verifyIntentToken("not-a-token", { jwks })).toMatchObject({
      valid: false,
      error: "malformed",
    });
  });

  it("refuses a token signed with an algorithm other than EdDSA", async () => {
    const secret = new TextEncoder().encode("a-shared-secret-of-at-least-32-bytes!!");
    const hs = await new SignJWT({ tenant: "acme", purp: { label: "x", data_elements: [] } })
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .setIssuedAt()
      .setExpirationTime("5m")
      .setJti("j")
      .setSubject("s")
      .sign(secret);
    const result = await verifyIntentToken(hs, { jwks });
    expect(result).toMatchObject({ valid: false, error: "bad_signature" });
  });

  it("fetches the key set when jwks is a URL", async () => {
    api = await startStubApi({ "GET /.well-known/jwks.json": () => ({ body: jwks }) });
    const result = await verifyIntentToken(await sign(), { jwks: `${api.url}/.well-known/jwks.json` });
    expect(result.valid).toBe(true);
    expect(api.requests).toHaveLength(1);
  });

  it("returns jwks_unavailable when the key set URL cannot be fetched", async () => {
    api = await startStubApi({ "GET /.well-known/jwks.json": () => ({ status: 500, body: "down" }) });
    const result = await verifyIntentToken(await sign(), {
      jwks: new URL(`${api.url}/.well-known/jwks.json`),
    });
    expect(result).toMatchObject({ valid: false, error: "jwks_unavailable" });
  });

  it("returns jwks_unavailable when the local key set is invalid", async () => {
    const result = await verifyIntentToken(await sign(), {
      jwks: { keys: "nope" } as unknown as JSONWebKeySet,
    });
    expect(result).toMatchObject({ valid: false, error: "jwks_unavailable" });
  });
});

describe("createIntentTokenVerifier", () => {
  it("fetches a remote key set once when verifying many tokens", async () => {
    api = await startStubApi({ "GET /.well-known/jwks.json": () => ({ body: jwks }) });
    const verifier = createIntentTokenVerifier({ jwks: `${api.url}/.well-known/jwks.json`, tenant: "acme" });
    for (let i = 0; i < 3; i++) {
      expect((await verifier.verify(await sign({ jti: `tok_${i}` }))).valid).toBe(true);
    }
    expect(api.requests).toHaveLength(1);
  });
});
