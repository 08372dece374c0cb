import type { Kysely, Migration, MigrationProvider } from "kysely";
import type { ColumnTypes } from "../dialects/dialect-adapter";
import * as governance from "./202611221300_governance";
import * as webhooks from "./202611221400_webhooks";
import * as intentions from "./202611221500_intentions";
import * as outboxOrder from "./202611221600_outbox_order";
import * as ambientRollup from "./202612061700_ambient_rollup";
import * as inboundSettled from "./202612071000_inbound_settled";
import * as inboundPresettled from "./202612071200_inbound_presettled";
import * as readIndexes from "./202612071300_read_indexes";
import * as webhookLogRetention from "./202612071400_webhook_log_retention";
import * as operatorKeyPrefixes from "./202612071500_operator_key_prefixes";
import * as ambientBeforeIntentions from "./202612071510_ambient_before_intentions";
import * as webhookClaimIndexes from "./202612071600_webhook_claim_indexes";

/** A migration file's exports: it receives the column types of the dialect it runs on. */
export interface StoreMigration {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
  up(db: Kysely<any>, types: ColumnTypes): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
  down(db: Kysely<any>, types: ColumnTypes): Promise<void>;
}

/**
 * Every migration, by name; names sort in the order they run. A static map (not a folder scan)
 * so bundlers see every migration. Add new ones at the end.
 */
export const MIGRATIONS: Readonly<Record<string, StoreMigration>> = {
  "202611221300_governance": governance,
  "202611221400_webhooks": webhooks,
  "202611221500_intentions": intentions,
  "202611221600_outbox_order": outboxOrder,
  "202612061700_ambient_rollup": ambientRollup,
  "202612071000_inbound_settled": inboundSettled,
  "202612071200_inbound_presettled": inboundPresettled,
  "202612071300_read_indexes": readIndexes,
  "202612071400_webhook_log_retention": webhookLogRetention,
  "202612071500_operator_key_prefixes": operatorKeyPrefixes,
  "202612071510_ambient_before_intentions": ambientBeforeIntentions,
  "202612071600_webhook_claim_indexes": webhookClaimIndexes,
};

/** Kysely's migration provider for one dialect: binds each migration to its column types. */
export function migrationProvider(types: ColumnTypes): MigrationProvider {
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = {
      up: (db) => migration.up(db, types),
      down: (db) => migration.down(db, types),
    };
  }
  return { getMigrations: async () => migrations };
}
