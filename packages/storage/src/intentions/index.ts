export { type AmbientClusterRepo, createAmbientClusterRepo } from "./ambient-cluster-repo";
export type { IntentionDatabase, IntentionTables, SigningKeysTable } from "./intention-tables";
export { createSigningKeyRepo, type SigningKeyRecord, type SigningKeyRepo } from "./signing-key-repo";
