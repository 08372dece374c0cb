import { canonicalElements, type DataElement, type IntentTokenContext } from "@intendedops/core";
import type { SigningKeyRepo } from "@intendedops/storage";
import {
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";
import {
  importPublicKeys,
  type KeySealer,
  type LoadedKeys,
  loadSigningKeys,
  TOKEN_ALGORITHM,
} from "./signing-keys";

/** Why `POST /v1/tokens/verify` refused a token; the client's `verifyIntentToken` uses the same strings. */
export const TOKEN_ERRORS = ["malformed", "bad_signature", "unknown_key", "expired", "other_tenant"] as const;
export type TokenError = (typeof TOKEN_ERRORS)[number];

/** The claims of an intent token, as signed. */
export interface IntentTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  tenant: string;
  jti: string;
  iat: number;
  exp: number;
  purp: { label: string; data_elements: DataElement[] };
}

export type TokenVerification =
  | { valid: true; claims: IntentTokenClaims }
  | { valid: false; error: TokenError; message: string };

/** Signs intent tokens (the governor's hook), verifies them for a tenant, and publishes the JWKS. */
export interface IntentTokenService {
  mint(context: IntentTokenContext): Promise<string>;
  /** Checks signature, expiry, shape, and that the token belongs to `tenantId`. */
  verify(token: string, tenantId: string): Promise<TokenVerification>;
  /**
   * The public keys, for `/.well-known/jwks.json`: re-read from the database at most every 30 s,
   * so a key another instance stored (two instances started on an empty database at once) is
   * published here too.
   */
  jwks(): Promise<JSONWebKeySet>;
}

export interface IntentTokenServiceOptions {
  keys: SigningKeyRepo;
  /** Seals the private key at rest (the server's SecretBox, keyed by INTENDEDOPS_SECRET_KEY). */
  sealer: KeySealer;
  /** The `iss` claim. */
  issuer: string;
  /** Epoch milliseconds: token times and expiry checks follow it. */
  clock: () => number;
}

/** How often an unknown kid may make the service re-read the stored keys (another instance's key). */
const KEY_REFRESH_MS = 30_000;

/**
 * Load (or, on first start, generate and store) the signing key, then serve tokens from memory.
 * @example
 * const tokens = await createIntentTokenService({
 *   keys: createSigningKeyRepo(store.db), sealer: createSecretBox(secretKey), issuer: "intendedops", clock: Date.now,
 * });
 */
export async function createIntentTokenService(
  options: IntentTokenServiceOptions,
): Promise<IntentTokenService> {
  const { issuer, clock } = options;
  const loaded: LoadedKeys = await loadSigningKeys(options.keys, options.sealer, clock());
  let publicKeys = loaded.publicKeys;
  // The first unknown kid re-reads at once (an instance that started alongside may own it).
  let refreshedAt = Number.NEGATIVE_INFINITY;

  // Starts as "just read": the keys were loaded a moment ago.
  let jwksReadAt = clock();

  async function reread(): Promise<void> {
    publicKeys = await importPublicKeys(await options.keys.list());
  }

  async function publicKey(kid: string): Promise<CryptoKey | undefined> {
    const known = publicKeys.get(kid);
    if (known || clock() - refreshedAt < KEY_REFRESH_MS) return known?.key;
    refreshedAt = clock();
    await reread();
    return publicKeys.get(kid)?.key;
  }

  return {
    mint({ intent, intention, now }) {
      const iat = Math.floor(now / 1000);
      // Least privilege: the elements the intent declared (all inside the allowlist, or it would
      // have been blocked); an intent that declared none acts under the whole allowlist.
      const elements =
        intent.dataElements.length > 0 ? canonicalElements(intent.dataElements) : intention.data_elements;
      return new SignJWT({
        tenant: intent.tenantId,
        purp: { label: intention.label, data_elements: elements },
      })
        .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: loaded.active.kid, typ: "JWT" })
        .setIssuer(issuer)
        .setSubject(intent.agentId)
        .setJti(intent.id)
        .setIssuedAt(iat)
        .setExpirationTime(iat + intention.ttl_minutes * 60)
        .sign(loaded.active.privateKey);
    },

    async verify(token, tenantId) {
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        return refuse("malformed", "The token is not a compact JWS");
      }
      if (typeof kid !== "string") return refuse("malformed", "The token header has no kid");
      const key = await publicKey(kid);
      if (!key) return refuse("unknown_key", `No signing key has kid ${kid}`);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [TOKEN_ALGORITHM],
          currentDate: new Date(clock()),
          requiredClaims: ["iss", "sub", "jti", "iat", "exp"],
        }));
      } catch (error) {
        return refusal(error);
      }
      if (!isIntentTokenClaims(payload)) {
        return refuse("malformed", "The token lacks a tenant or a valid purp claim");
      }
      if (payload.tenant !== tenantId) return refuse("other_tenant", "The token belongs to another tenant");
      return { valid: true, claims: payload };
    },

    async jwks() {
      if (clock() - jwksReadAt >= KEY_REFRESH_MS) {
        jwksReadAt = clock();
        await reread();
      }
      const keys = [...publicKeys].map(([kid, { jwk }]) => ({
        ...jwk,
        kid,
        alg: TOKEN_ALGORITHM,
        use: "sig",
      }));
      return { keys };
    },
  };
}

function refuse(error: TokenError, message: string): TokenVerification {
  return { valid: false, error, message };
}

function refusal(error: unknown): TokenVerification {
  if (error instanceof joseErrors.JWTExpired) return refuse("expired", "The token has expired");
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JOSEAlgNotAllowed
  ) {
    return refuse("bad_signature", "The token's signature does not verify");
  }
  // What remains (not a JWS, not JSON claims, a missing or mistyped claim) is a malformed token.
  const detail = error instanceof Error ? error.message : String(error);
  return refuse("malformed", `The token is malformed: ${detail}`);
}

function isIntentTokenClaims(payload: JWTPayload): payload is IntentTokenClaims {
  if (typeof payload.tenant !== "string") return false;
  const purp = payload.purp as { label?: unknown; data_elements?: unknown } | undefined;
  if (typeof purp !== "object" || purp === null || typeof purp.label !== "string") return false;
  return (
    Array.isArray(purp.data_elements) &&
    purp.data_elements.every(
      (el: { data_source_id?: unknown; path?: unknown } | null) =>
        typeof el?.data_source_id === "string" && typeof el?.path === "string",
    )
  );
}
