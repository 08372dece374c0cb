import type { Kysely } from "kysely";
import type { ColumnTypes } from "../dialects/dialect-adapter";

/**
 * Webhooks: outgoing endpoints, one delivery per (endpoint, event) with every attempt, and
 * inbound endpoints with the message ids they have seen (replay protection).
 * Frozen: a schema change is a new migration, never an edit here.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("events", t.json, (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("previous_secret", "text")
    .addColumn("previous_secret_expires_at", t.timestamp)
    .addColumn("disabled_at", t.timestamp)
    .addColumn("disabled_reason", "text")
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_endpoints_tenant")
    .on("webhook_endpoints")
    .columns(["tenant_id", "created_at"])
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text", (c) =>
      c.notNull().references("webhook_endpoints.id").onDelete("cascade"),
    )
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    // The exact bytes every attempt sends: plain text, never re-encoded JSON.
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", t.timestamp)
    .addColumn("claimed_until", t.timestamp)
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .addColumn("completed_at", t.timestamp)
    // One delivery per event and endpoint, so a repeated fan-out cannot send an event twice.
    .addUniqueConstraint("webhook_deliveries_event", ["endpoint_id", "event_id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_endpoint")
    .on("webhook_deliveries")
    .columns(["tenant_id", "endpoint_id", "created_at"])
    .execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("delivery_id", "text", (c) =>
      c.notNull().references("webhook_deliveries.id").onDelete("cascade"),
    )
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("attempted_at", t.timestamp, (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("latency_ms", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "attempt"])
    .execute();

  await db.schema
    .createTable("inbound_endpoints")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("intent_types", t.json, (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("previous_secret", "text")
    .addColumn("previous_secret_expires_at", t.timestamp)
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("inbound_endpoints_tenant")
    .on("inbound_endpoints")
    .columns(["tenant_id", "created_at"])
    .execute();

  await db.schema
    .createTable("inbound_messages")
    .addColumn("endpoint_id", "text", (c) =>
      c.notNull().references("inbound_endpoints.id").onDelete("cascade"),
    )
    .addColumn("message_id", "text", (c) => c.notNull())
    .addColumn("received_at", t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint("inbound_messages_pk", ["endpoint_id", "message_id"])
    .execute();
  await db.schema
    .createIndex("inbound_messages_received")
    .on("inbound_messages")
    .column("received_at")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen; they must not depend on today's Database type
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "inbound_messages",
    "inbound_endpoints",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_endpoints",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
