import { type Kysely, sql } from "kysely";
import type { ColumnTypes } from "../dialects/dialect-adapter";

/**
 * Ambient clusters as a rollup: one row per cluster (count, first and last seen) and one per
 * (cluster, agent), updated by each ambient submission, filled here from the intents written so
 * far. It replaces the `intents_ambient` index: that index took every ambient intent at a
 * different place (clusters are hashes), so each submission dirtied a page of its own, and listing
 * clusters grouped every ambient intent of the tenant on each read.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable("ambient_clusters")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("cluster_id", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("elements", "text", (c) => c.notNull())
    .addColumn("intent_count", "bigint", (c) => c.notNull())
    .addColumn("first_seen_at", t.timestamp, (c) => c.notNull())
    .addColumn("last_seen_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("ambient_clusters_pk", ["tenant_id", "cluster_id"])
    .execute();
  await db.schema
    .createTable("ambient_cluster_agents")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("cluster_id", "text", (c) => c.notNull())
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ambient_cluster_agents_pk", ["tenant_id", "cluster_id", "agent_id"])
    .execute();
  // A cluster id is a hash of domain, type and elements, so min() just picks the one value.
  await sql`
    insert into ambient_clusters
      (tenant_id, cluster_id, domain, type, elements, intent_count, first_seen_at, last_seen_at)
    select tenant_id, ambient_cluster, min(domain), min(type), min(ambient_elements), count(*),
      min(created_at), max(created_at)
    from intents where ambient_cluster is not null
    group by tenant_id, ambient_cluster`.execute(db);
  await sql`
    insert into ambient_cluster_agents (tenant_id, cluster_id, agent_id)
    select distinct tenant_id, ambient_cluster, agent_id from intents where ambient_cluster is not null`.execute(
    db,
  );
  await db.schema.dropIndex("intents_ambient").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("intents_ambient")
    .on("intents")
    .columns(["tenant_id", "ambient_cluster", "agent_id"])
    .execute();
  await db.schema.dropTable("ambient_cluster_agents").execute();
  await db.schema.dropTable("ambient_clusters").execute();
}
