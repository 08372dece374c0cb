import type { Kysely } from "kysely";
import type { ColumnTypes } from "../dialects/dialect-adapter";

/**
 * The governance tables: tenants, API keys, agents, intents, approvals, policies, intentions,
 * the per-tenant audit chain, idempotency keys, trust changes, value records and the outbox.
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable("tenants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("scopes", t.json, (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("key_prefix", "text", (c) => c.notNull())
    .addColumn("rate_limit_per_minute", "integer")
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("last_used_at", t.timestamp)
    .addColumn("revoked_at", t.timestamp)
    .addForeignKeyConstraint("api_keys_tenant_fk", ["tenant_id"], "tenants", ["id"], (fk) =>
      fk.deferrable().initiallyDeferred(),
    )
    .execute();
  await db.schema
    .createIndex("api_keys_tenant")
    .on("api_keys")
    .columns(["tenant_id", "created_at"])
    .execute();

  await db.schema
    .createTable("agents")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("domains", t.json, (c) => c.notNull())
    .addColumn("intent_types", t.json, (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("trust_tier", "text", (c) => c.notNull())
    .addColumn("trust_score", "integer", (c) => c.notNull())
    .addColumn("tier_since", t.timestamp, (c) => c.notNull())
    .addColumn("recent_outcomes", t.json, (c) => c.notNull())
    .addColumn("failure_streak", "integer", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("agents_pk", ["tenant_id", "id"])
    .execute();

  await db.schema
    .createTable("intents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("params", t.json, (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("justification", "text")
    .addColumn("idempotency_key", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("risk_level", "text", (c) => c.notNull())
    .addColumn("decision", t.json, (c) => c.notNull())
    .addColumn("intention", "text", (c) => c.notNull())
    .addColumn("data_elements", t.json, (c) => c.notNull())
    .addColumn("submitted_by", "text", (c) => c.notNull())
    .addColumn("result", t.json)
    .addColumn("error", "text")
    .addColumn("value_cents", "bigint")
    .addColumn("value_category", "text")
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .addColumn("completed_at", t.timestamp)
    .addForeignKeyConstraint(
      "intents_agent_fk",
      ["tenant_id", "agent_id"],
      "agents",
      ["tenant_id", "id"],
      (fk) => fk.deferrable().initiallyDeferred(),
    )
    .execute();
  await db.schema
    .createIndex("intents_created")
    .on("intents")
    .columns(["tenant_id", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("intents_status")
    .on("intents")
    .columns(["tenant_id", "status", "created_at"])
    .execute();
  await db.schema
    .createIndex("intents_agent")
    .on("intents")
    .columns(["tenant_id", "agent_id", "status"])
    .execute();

  await db.schema
    .createTable("approvals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("intent_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reasons", t.json, (c) => c.notNull())
    .addColumn("required_approvals", "integer", (c) => c.notNull())
    .addColumn("votes", t.json, (c) => c.notNull())
    .addColumn("decided_by", "text")
    .addColumn("decided_by_name", "text")
    .addColumn("decided_at", t.timestamp)
    .addColumn("rejection_reason", "text")
    .addColumn("requested_at", t.timestamp, (c) => c.notNull())
    .addColumn("expires_at", t.timestamp)
    .addForeignKeyConstraint("approvals_intent_fk", ["intent_id"], "intents", ["id"], (fk) =>
      fk.deferrable().initiallyDeferred(),
    )
    .execute();
  await db.schema
    .createIndex("approvals_intent")
    .on("approvals")
    .columns(["tenant_id", "intent_id"])
    .execute();
  await db.schema
    .createIndex("approvals_status")
    .on("approvals")
    .columns(["tenant_id", "status", "requested_at"])
    .execute();
  await db.schema.createIndex("approvals_expiry").on("approvals").columns(["status", "expires_at"]).execute();

  await db.schema
    .createTable("policies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("document", t.json, (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("policies_tenant")
    .on("policies")
    .columns(["tenant_id", "created_at"])
    .execute();

  await db.schema
    .createTable("intentions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("document", t.json, (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addUniqueConstraint("intentions_label", ["tenant_id", "label"])
    .execute();

  await db.schema
    .createTable("tenant_revisions")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("revision", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("tenant_revisions_pk", ["tenant_id", "kind"])
    .execute();

  await db.schema
    .createTable("audit_heads")
    .addColumn("tenant_id", "text", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("agent_id", "text")
    .addColumn("intent_id", "text")
    .addColumn("data", t.json, (c) => c.notNull())
    .addColumn("timestamp", t.timestamp, (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("leaf_hash", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("audit_events_pk", ["tenant_id", "seq"])
    .execute();
  // Each filter index ends in seq so filtered pages come out in chain order without a sort.
  await db.schema
    .createIndex("audit_events_type")
    .on("audit_events")
    .columns(["tenant_id", "event_type", "seq"])
    .execute();
  await db.schema
    .createIndex("audit_events_intent")
    .on("audit_events")
    .columns(["tenant_id", "intent_id", "seq"])
    .execute();
  await db.schema
    .createIndex("audit_events_agent")
    .on("audit_events")
    .columns(["tenant_id", "agent_id", "seq"])
    .execute();
  await db.schema
    .createIndex("audit_events_time")
    .on("audit_events")
    .columns(["tenant_id", "timestamp"])
    .execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("intent_id", "text", (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["tenant_id", "key"])
    .execute();

  await db.schema
    .createTable("trust_changes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addColumn("from_tier", "text", (c) => c.notNull())
    .addColumn("to_tier", "text", (c) => c.notNull())
    .addColumn("from_score", "integer", (c) => c.notNull())
    .addColumn("to_score", "integer", (c) => c.notNull())
    .addColumn("cause", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("intent_id", "text")
    .addColumn("at", t.timestamp, (c) => c.notNull())
    .addForeignKeyConstraint(
      "trust_changes_agent_fk",
      ["tenant_id", "agent_id"],
      "agents",
      ["tenant_id", "id"],
      (fk) => fk.deferrable().initiallyDeferred(),
    )
    .execute();
  await db.schema
    .createIndex("trust_changes_agent")
    .on("trust_changes")
    .columns(["tenant_id", "agent_id", "at"])
    .execute();

  await db.schema
    .createTable("value_records")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("intent_id", "text", (c) => c.notNull())
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("cents", "bigint", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("recorded_at", t.timestamp, (c) => c.notNull())
    .addForeignKeyConstraint("value_records_intent_fk", ["intent_id"], "intents", ["id"], (fk) =>
      fk.deferrable().initiallyDeferred(),
    )
    .execute();
  await db.schema
    .createIndex("value_records_agent")
    .on("value_records")
    .columns(["tenant_id", "agent_id"])
    .execute();

  await db.schema
    .createTable("outbox_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("data", t.json, (c) => c.notNull())
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "outbox_events",
    "value_records",
    "trust_changes",
    "idempotency_keys",
    "audit_events",
    "audit_heads",
    "tenant_revisions",
    "intentions",
    "policies",
    "approvals",
    "intents",
    "agents",
    "api_keys",
    "tenants",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
