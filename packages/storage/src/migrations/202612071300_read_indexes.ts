import type { Kysely } from "kysely";

/**
 * Indexes for the list filters of a tenant with a year of data, each ending in the list's order
 * so a page is read in order and stops after its rows:
 * - intents by status and by agent now end in `(created_at, id)` (the lists' order): the old
 *   `(tenant_id, status, created_at)` and `(tenant_id, agent_id, status)` replaced here made SQLite
 *   walk every intent of the tenant newest first and test each row (an agent's 100th page read
 *   the whole table); the `type` and `domain` filters had no index at all, so their `count(*)`
 *   read every intent row of the tenant. The agent, type and domain indexes end in `status`: a
 *   status filter combined with one of them (`?domain=support&status=failed`) is tested on the
 *   index entry instead of the row, and an agent's counts by status (`GET /v1/agents/:id/metrics`)
 *   still come from the index alone;
 * - audit events by time carry `seq`, so a date filter finds the seq window of its events in the
 *   index and pages through that window in chain order instead of sorting every matching event;
 * - approvals in list order without a status filter (`?status=all`), and by status with the `id`
 *   tie-break;
 * - value records by category with the cents, per tenant (`GET /v1/stats`) and per agent (agent
 *   metrics), so the totals are read from the index alone instead of every value row.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("intents_status").execute();
  await db.schema
    .createIndex("intents_status_page")
    .on("intents")
    .columns(["tenant_id", "status", "created_at", "id"])
    .execute();
  await db.schema.dropIndex("intents_agent").execute();
  await db.schema
    .createIndex("intents_agent_page")
    .on("intents")
    .columns(["tenant_id", "agent_id", "created_at", "id", "status"])
    .execute();
  await db.schema
    .createIndex("intents_type_page")
    .on("intents")
    .columns(["tenant_id", "type", "created_at", "id", "status"])
    .execute();
  await db.schema
    .createIndex("intents_domain_page")
    .on("intents")
    .columns(["tenant_id", "domain", "created_at", "id", "status"])
    .execute();
  await db.schema.dropIndex("audit_events_time").execute();
  await db.schema
    .createIndex("audit_events_time_seq")
    .on("audit_events")
    .columns(["tenant_id", "timestamp", "seq"])
    .execute();
  await db.schema.dropIndex("approvals_status").execute();
  await db.schema
    .createIndex("approvals_status_page")
    .on("approvals")
    .columns(["tenant_id", "status", "requested_at", "id"])
    .execute();
  await db.schema
    .createIndex("approvals_page")
    .on("approvals")
    .columns(["tenant_id", "requested_at", "id"])
    .execute();
  await db.schema.dropIndex("value_records_agent").execute();
  await db.schema
    .createIndex("value_records_agent_category")
    .on("value_records")
    .columns(["tenant_id", "agent_id", "category", "cents"])
    .execute();
  await db.schema
    .createIndex("value_records_category")
    .on("value_records")
    .columns(["tenant_id", "category", "cents"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("value_records_category").execute();
  await db.schema.dropIndex("value_records_agent_category").execute();
  await db.schema
    .createIndex("value_records_agent")
    .on("value_records")
    .columns(["tenant_id", "agent_id"])
    .execute();
  await db.schema.dropIndex("approvals_page").execute();
  await db.schema.dropIndex("approvals_status_page").execute();
  await db.schema
    .createIndex("approvals_status")
    .on("approvals")
    .columns(["tenant_id", "status", "requested_at"])
    .execute();
  await db.schema.dropIndex("audit_events_time_seq").execute();
  await db.schema
    .createIndex("audit_events_time")
    .on("audit_events")
    .columns(["tenant_id", "timestamp"])
    .execute();
  await db.schema.dropIndex("intents_domain_page").execute();
  await db.schema.dropIndex("intents_type_page").execute();
  await db.schema.dropIndex("intents_agent_page").execute();
  await db.schema
    .createIndex("intents_agent")
    .on("intents")
    .columns(["tenant_id", "agent_id", "status"])
    .execute();
  await db.schema.dropIndex("intents_status_page").execute();
  await db.schema
    .createIndex("intents_status")
    .on("intents")
    .columns(["tenant_id", "status", "created_at"])
    .execute();
}
