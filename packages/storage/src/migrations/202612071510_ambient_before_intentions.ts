import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";

/**
 * Places in their ambient clusters the intents stored before `202611221500_intentions` added the
 * cluster columns. That migration left them null and `202612061700_ambient_rollup` rolled up only the
 * intents that had one, so after an upgrade from a release before it (the first hour of 22 November)
 * `GET /v1/intentions/ambient` left out all traffic recorded before the upgrade. Every intent of that
 * time is ambient (there were no intentions yet). An old intent approved or completed since got its
 * cluster column from that update but was never counted, so the rollup of a tenant with such
 * intents is rebuilt from its intents, as `202612061700_ambient_rollup` built it. Only intents
 * created before `202611221500_intentions` ran can be affected: each tenant's are found by its
 * `(tenant_id, created_at, id)` index, and on a database created since, every range is empty.
 * The cluster id and elements key are computed as core computed them on 7 December (`amb_` + 16 hex
 * of the SHA-256 of `domain|type|elements`, elements sorted by source then path, duplicates dropped).
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  const ran = await sql<{ timestamp: unknown }>`
    select "timestamp" from kysely_migration where name = '202611221500_intentions'`.execute(db);
  const since = ran.rows[0]?.timestamp;
  if (since === undefined) return;
  const before = since instanceof Date ? since.toISOString() : String(since);
  const tenants = await db.selectFrom("intents").select("tenant_id").distinct().execute();
  for (const { tenant_id: tenantId } of tenants) {
    const older = db
      .selectFrom("intents")
      .where("tenant_id", "=", tenantId)
      .where("created_at", "<=", before)
      .orderBy("created_at")
      .orderBy("id");
    if (!(await older.select("id").limit(1).executeTakeFirst())) continue;
    for (;;) {
      const rows = await older
        .select(["id", "domain", "type", "data_elements"])
        .where("ambient_cluster", "is", null)
        .where("intention", "=", "ambient")
        .limit(BATCH)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const elements = elementsKey(row.data_elements);
        const digest = createHash("sha256")
          .update(`${row.domain}|${row.type}|${elements}`, "utf8")
          .digest("hex");
        await db
          .updateTable("intents")
          .set({ ambient_cluster: `amb_${digest.slice(0, 16)}`, ambient_elements: elements })
          .where("id", "=", row.id)
          .execute();
      }
    }
    await rebuildRollup(db, tenantId);
  }
}

/** Nothing to undo: the clusters it filled in are those the intents belong to. */
export async function down(): Promise<void> {}

const BATCH = 500;

/** The canonical text of an intent's data-element set, from its stored `data_elements` JSON. */
function elementsKey(stored: unknown): string {
  const refs = (typeof stored === "string" ? JSON.parse(stored) : stored) as {
    dataSourceId: string;
    path: string;
  }[];
  const sorted = refs
    .map((ref) => ({ data_source_id: ref.dataSourceId, path: ref.path }))
    .sort((a, b) => compare(a.data_source_id, b.data_source_id) || compare(a.path, b.path));
  const unique = sorted.filter(
    (el, i) =>
      i === 0 || el.data_source_id !== sorted[i - 1]?.data_source_id || el.path !== sorted[i - 1]?.path,
  );
  return JSON.stringify(unique);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A tenant's rollup rows, recounted from its intents (as `202612061700_ambient_rollup` counted them). */
// biome-ignore lint/suspicious/noExplicitAny: see up
async function rebuildRollup(db: Kysely<any>, tenantId: string): Promise<void> {
  await db.deleteFrom("ambient_cluster_agents").where("tenant_id", "=", tenantId).execute();
  await db.deleteFrom("ambient_clusters").where("tenant_id", "=", tenantId).execute();
  // A cluster id is a hash of domain, type and elements, so min() just picks the one value.
  await sql`
    insert into ambient_clusters
      (tenant_id, cluster_id, domain, type, elements, intent_count, first_seen_at, last_seen_at)
    select tenant_id, ambient_cluster, min(domain), min(type), min(ambient_elements), count(*),
      min(created_at), max(created_at)
    from intents where tenant_id = ${tenantId} and ambient_cluster is not null
    group by tenant_id, ambient_cluster`.execute(db);
  await sql`
    insert into ambient_cluster_agents (tenant_id, cluster_id, agent_id)
    select distinct tenant_id, ambient_cluster, agent_id
    from intents where tenant_id = ${tenantId} and ambient_cluster is not null`.execute(db);
}
