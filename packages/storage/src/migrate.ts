import { Migrator } from "kysely";
import type { OpenDatabase } from "./dialects/dialect-adapter";
import { MIGRATIONS, migrationProvider } from "./migrations/index";

/** Kysely's table of executed migrations (its default name). */
const MIGRATION_TABLE = "kysely_migration";

/**
 * Runs every pending migration (none when the schema is current) and returns the names it ran, in
 * order; throws the first failure. A database that a newer version migrated (it lists a migration
 * this code does not have) is refused with an error saying so, before anything runs.
 */
export async function migrateToLatest(open: OpenDatabase): Promise<string[]> {
  const { db, adapter } = open;
  const migrator = new Migrator({
    db,
    provider: migrationProvider(adapter.columnTypes),
    // Always name the schema on PostgreSQL: Kysely otherwise looks for its migration table in
    // every schema and would mistake another schema's for ours.
    ...(adapter.migrationSchema === undefined ? {} : { migrationTableSchema: adapter.migrationSchema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error === undefined) {
    return results.filter((result) => result.status === "Success").map((result) => result.migrationName);
  }
  // Kysely calls such a database "corrupted", which sends operators after a broken file when all
  // it takes is the newer version (or a backup from before the upgrade).
  const unknown = await unknownMigrations(open);
  if (unknown.length > 0) {
    throw new Error(
      `the database was migrated by a newer version of IntendedOps (migration ${unknown.join(", ")} is unknown to this version); run that version or newer, or restore a backup taken before the upgrade`,
      { cause: error },
    );
  }
  throw error;
}

/** Executed migrations this code does not know; empty when the table cannot be read. */
async function unknownMigrations({ db, adapter }: OpenDatabase): Promise<string[]> {
  const scoped = adapter.migrationSchema === undefined ? db : db.withSchema(adapter.migrationSchema);
  try {
    const rows = await scoped
      .withTables<{ [MIGRATION_TABLE]: { name: string } }>()
      .selectFrom(MIGRATION_TABLE)
      .select("name")
      .orderBy("name")
      .execute();
    return rows.map((row) => row.name).filter((name) => !Object.hasOwn(MIGRATIONS, name));
  } catch {
    return [];
  }
}
