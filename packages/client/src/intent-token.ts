import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import type { DataElement, IntentTokenClaims } from "./types";

/** A data element a resource server insists the token covers (camelCase, as callers write it). */
export interface RequiredDataElement {
  dataSourceId: string;
  path: string;
}

export interface IntentTokenVerifierOptions {
  /** The signer's key set, or the URL of its `/.well-known/jwks.json` (fetched and cached by jose). */
  jwks: JSONWebKeySet | string | URL;
  /** When set, the token's `iss` must equal it. */
  issuer?: string;
  /** When set, the token's `tenant` claim must equal it. */
  tenant?: string;
  /** Tolerated clock difference for `exp`/`iat`, in seconds. Default 0. */
  clockToleranceSeconds?: number;
}

export interface VerifyIntentTokenOptions extends IntentTokenVerifierOptions {
  /** Every one of these must be in the token's `purp.data_elements`. */
  requireElements?: readonly RequiredDataElement[];
}

/**
 * Why a token was refused. The first five are the strings `POST /v1/tokens/verify` answers with,
 * so local and server-side checks read the same.
 */
export type IntentTokenError =
  | "malformed"
  | "bad_signature"
  | "unknown_key"
  | "expired"
  | "other_tenant"
  | "not_yet_valid"
  | "issuer_mismatch"
  | "invalid_claims"
  | "missing_data_element"
  | "jwks_unavailable";

export type IntentTokenVerification =
  | { valid: true; claims: IntentTokenClaims }
  | { valid: false; error: IntentTokenError; message: string };

/** Intent tokens are Ed25519-signed; "Ed25519" is the newer name of the same algorithm (RFC 9864). */
const ALGORITHMS = ["EdDSA", "Ed25519"];

/** Keeps one key set (and, for a URL, jose's fetch cache) across many verifications. */
export interface IntentTokenVerifier {
  verify(
    token: string,
    options?: { requireElements?: readonly RequiredDataElement[] },
  ): Promise<IntentTokenVerification>;
}

/**
 * A verifier bound to one key set; reuse it so a remote JWKS is fetched once, not per token.
 *
 * @example
 * const verifier = createIntentTokenVerifier({ jwks: "https://api.intendedops.dev/.well-known/jwks.json", tenant: "acme" });
 * const result = await verifier.verify(token, { requireElements: [{ dataSourceId: "salesforce_prod", path: "Contact.Email" }] });
 */
export function createIntentTokenVerifier(options: IntentTokenVerifierOptions): IntentTokenVerifier {
  let keys: JWTVerifyGetKey | undefined;
  return {
    async verify(token, verifyOptions = {}) {
      let payload: JWTPayload;
      try {
        // Built on first use inside the try, so a bad key set or URL is a refusal, never a throw.
        keys ??= keySet(options.jwks);
      } catch (error) {
        return { valid: false, error: "jwks_unavailable", message: messageOf(error) };
      }
      try {
        ({ payload } = await jwtVerify(token, keys, {
          algorithms: ALGORITHMS,
          issuer: options.issuer,
          requiredClaims: ["exp", "iat", "jti", "sub"],
          clockTolerance: options.clockToleranceSeconds ?? 0,
        }));
      } catch (error) {
        return refusal(error);
      }
      return checkClaims(payload, options.tenant, verifyOptions.requireElements ?? []);
    },
  };
}

function keySet(jwks: IntentTokenVerifierOptions["jwks"]): JWTVerifyGetKey {
  return typeof jwks === "string" || jwks instanceof URL
    ? createRemoteJWKSet(new URL(jwks))
    : createLocalJWKSet(jwks);
}

/**
 * Verifies an intent token: Ed25519 signature against the JWKS, expiry, optional issuer and
 * tenant, and that `purp.data_elements` covers every required element.
 */
export function verifyIntentToken(
  token: string,
  options: VerifyIntentTokenOptions,
): Promise<IntentTokenVerification> {
  return createIntentTokenVerifier(options).verify(token, { requireElements: options.requireElements });
}

function checkClaims(
  payload: JWTPayload,
  tenant: string | undefined,
  required: readonly RequiredDataElement[],
): IntentTokenVerification {
  const purpose = readPurpose(payload.purp);
  if (typeof payload.tenant !== "string" || purpose === undefined) {
    return {
      valid: false,
      error: "invalid_claims",
      message: "The token lacks a tenant or a valid purp claim",
    };
  }
  if (tenant !== undefined && payload.tenant !== tenant) {
    return {
      valid: false,
      error: "other_tenant",
      message: `The token belongs to tenant ${payload.tenant}`,
    };
  }
  const missing = required.find(
    (need) =>
      !purpose.data_elements.some((e) => e.data_source_id === need.dataSourceId && e.path === need.path),
  );
  if (missing) {
    return {
      valid: false,
      error: "missing_data_element",
      message: `The token does not cover ${missing.dataSourceId}:${missing.path}`,
    };
  }
  return { valid: true, claims: payload as IntentTokenClaims };
}

function readPurpose(value: unknown): { label: string; data_elements: DataElement[] } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { label, data_elements: elements } = value as { label?: unknown; data_elements?: unknown };
  if (typeof label !== "string" || !Array.isArray(elements)) return undefined;
  const wellFormed = elements.every(
    (e) => typeof e?.data_source_id === "string" && typeof e?.path === "string",
  );
  return wellFormed ? { label, data_elements: elements as DataElement[] } : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refusal(error: unknown): IntentTokenVerification {
  const fail = (code: IntentTokenError): IntentTokenVerification => ({
    valid: false,
    error: code,
    message: messageOf(error),
  });
  if (error instanceof joseErrors.JWTExpired) return fail("expired");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return fail("issuer_mismatch");
    if (error.claim === "nbf" || (error.claim === "iat" && error.reason === "check_failed")) {
      return fail("not_yet_valid");
    }
    return fail("invalid_claims");
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return fail("unknown_key");
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JOSEAlgNotAllowed
  ) {
    return fail("bad_signature");
  }
  if (
    error instanceof joseErrors.JWSInvalid ||
    error instanceof joseErrors.JWTInvalid ||
    error instanceof joseErrors.JOSENotSupported
  ) {
    return fail("malformed");
  }
  // What remains is the key set itself: unreachable, not 200, not a JWKS, or ambiguous.
  return fail("jwks_unavailable");
}
