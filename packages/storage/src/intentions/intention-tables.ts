import type { Kysely } from "kysely";
import type { Database } from "../database";

/** Row type of the signing-key table (migration 202611221500_intentions), as Kysely sees it. */
export interface SigningKeysTable {
  /** RFC 7638 thumbprint of the public key: the `kid` in token headers and the JWKS. */
  kid: string;
  /** JOSE algorithm, e.g. "EdDSA". */
  algorithm: string;
  /** Public JWK as JSON text (served in the JWKS). */
  public_jwk: string;
  /** Private JWK as JSON text: never leaves the server. */
  private_jwk: string;
  created_at: string;
}

/**
 * One row per ambient cluster of a tenant (migration 202612061700_ambient_rollup), kept up to date
 * by every ambient submission so listing clusters reads clusters, not intents.
 */
export interface AmbientClustersTable {
  tenant_id: string;
  /** `amb_…`, the intents' `ambient_cluster`. */
  cluster_id: string;
  domain: string;
  type: string;
  /** Canonical JSON of the sorted data-element set, the intents' `ambient_elements`. */
  elements: string;
  intent_count: number;
  first_seen_at: string;
  last_seen_at: string;
}

/** Which agents submitted into a cluster: one row per (cluster, agent). */
export interface AmbientClusterAgentsTable {
  tenant_id: string;
  cluster_id: string;
  agent_id: string;
}

/** A type alias, not an interface: Kysely's `withTables` needs the implicit index signature. */
export type IntentionTables = {
  signing_keys: SigningKeysTable;
  ambient_clusters: AmbientClustersTable;
  ambient_cluster_agents: AmbientClusterAgentsTable;
};

export type IntentionDatabase = Database & IntentionTables;

/** The same handle, typed to see the signing-key table too. */
export function withIntentionTables(db: Kysely<Database>): Kysely<IntentionDatabase> {
  return db.withTables<IntentionTables>();
}
