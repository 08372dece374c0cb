import type { SigningKeyRecord, SigningKeyRepo } from "@intendedops/storage";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { StartupError } from "../startup-error";

/** Intent tokens are signed with Ed25519 under the JOSE name every verifier knows. */
export const TOKEN_ALGORITHM = "EdDSA";

/** Encrypts private keys at rest (the server's SecretBox); a pass-through one stores them as-is. */
export interface KeySealer {
  /** True when `seal` encrypts (INTENDEDOPS_SECRET_KEY is set). */
  readonly encrypts: boolean;
  seal(secret: string, context: string): string;
  open(stored: string, context: string): string;
}

/** A key as the token service uses it: the signing half only for the active key. */
export interface LoadedKeys {
  /** The oldest stored key: every instance picks the same one. */
  active: { kid: string; privateKey: CryptoKey };
  /** Every stored key's public half, by kid. */
  publicKeys: Map<string, { jwk: JWK; key: CryptoKey }>;
}

/**
 * A fresh Ed25519 key pair as a storable record; its kid is the RFC 7638 thumbprint and its
 * private half is sealed under that kid, so a sealed key cannot be swapped onto another row.
 */
export async function generateSigningKey(now: number, sealer: KeySealer): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALGORITHM, {
    crv: "Ed25519",
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    algorithm: TOKEN_ALGORITHM,
    publicJwk: JSON.stringify(publicJwk),
    privateJwk: sealer.seal(JSON.stringify(await exportJWK(privateKey)), kid),
    createdAt: new Date(now).toISOString(),
  };
}

/**
 * The stored keys, generating and storing the first one on an empty database. Two instances
 * starting together may each store one; both then sign with the oldest, and both keys stay in
 * the JWKS, so every token either of them minted verifies.
 */
export async function loadSigningKeys(
  repo: SigningKeyRepo,
  sealer: KeySealer,
  now: number,
): Promise<LoadedKeys> {
  let records = await repo.list();
  if (records.length === 0) {
    await repo.insert(await generateSigningKey(now, sealer));
    records = await repo.list();
  }
  if (sealer.encrypts) records = await sealPlainKeys(repo, sealer, records);
  const [oldest] = records;
  if (!oldest) throw new Error("No intent-token signing key could be stored");
  return {
    active: { kid: oldest.kid, privateKey: await importPrivate(oldest, sealer) },
    publicKeys: await importPublicKeys(records),
  };
}

/**
 * A key stored before INTENDEDOPS_SECRET_KEY was set is plain JWK text; without this it would stay
 * readable in the database for good (signing keys are never rotated), although the operator set
 * the secret to encrypt it. A stored JWK is JSON text, so it starts with "{"; a sealed one never does.
 */
async function sealPlainKeys(
  repo: SigningKeyRepo,
  sealer: KeySealer,
  records: readonly SigningKeyRecord[],
): Promise<SigningKeyRecord[]> {
  const result: SigningKeyRecord[] = [];
  for (const record of records) {
    if (!record.privateJwk.startsWith("{")) {
      result.push(record);
      continue;
    }
    const sealed = sealer.seal(record.privateJwk, record.kid);
    // Another instance starting at the same moment may have sealed it first: keep its version.
    if (await repo.replacePrivate(record.kid, record.privateJwk, sealed)) {
      result.push({ ...record, privateJwk: sealed });
    } else {
      result.push(record);
    }
  }
  return result;
}

/** Only the public halves of `records`, by kid (for a refresh that must not touch the signer). */
export async function importPublicKeys(
  records: readonly SigningKeyRecord[],
): Promise<Map<string, { jwk: JWK; key: CryptoKey }>> {
  const keys = new Map<string, { jwk: JWK; key: CryptoKey }>();
  for (const record of records) {
    const jwk = JSON.parse(record.publicJwk) as JWK;
    keys.set(record.kid, { jwk, key: (await importJWK(jwk, record.algorithm)) as CryptoKey });
  }
  return keys;
}

async function importPrivate(record: SigningKeyRecord, sealer: KeySealer): Promise<CryptoKey> {
  let json: string;
  try {
    json = sealer.open(record.privateJwk, record.kid);
  } catch {
    // The operator's to fix (the variable), so the CLI prints this line alone, without a stack.
    throw new StartupError(
      `The intent-token signing key ${record.kid} cannot be decrypted: INTENDEDOPS_SECRET_KEY is missing or differs from the one that sealed it`,
    );
  }
  return (await importJWK(JSON.parse(json) as JWK, record.algorithm)) as CryptoKey;
}
