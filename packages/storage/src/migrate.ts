import { Migrator } from "kysely";
import type { OpenDatabase } from "./dialects/dialect-adapter";
import { migrationProvider } from "./migrations/index";

/** Runs every pending migration (none when the schema is current); throws the first failure. */
export async function migrateToLatest({ db, adapter }: OpenDatabase): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(adapter.columnTypes),
    // Always name the schema on PostgreSQL: Kysely otherwise looks for its migration table in
    // every schema and would mistake another schema's for ours.
    ...(adapter.migrationSchema === undefined ? {} : { migrationTableSchema: adapter.migrationSchema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}
