import type { OutboxEvent, OutboxRepo } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { Database, OutboxEventsTable } from "../database";
import { type BatchMemo, remembered } from "../dialects/batch-memo";
import type { SqlRunner } from "../dialects/dialect-adapter";
import { subscribes } from "../webhooks/subscriptions";
import { withWebhookTables } from "../webhooks/webhook-tables";
import { fromJson, toJson } from "./json-columns";
import { preparedInsertMany, prepareSql, queryRows } from "./prepared-sql";
import type { SubscriptionsReadUnderLock } from "./subscriptions-read-under-lock";

/** Rows per INSERT statement: a few prepared shapes cover every enqueue. */
const INSERT_BATCH = 16;

/** Distinct `events` lists kept parsed (a pure function of the text, so shared by every store). */
const parsedLists = new Map<string, string[]>();
/** Tenants have a handful of lists each; this only bounds a pathological database. */
const PARSED_LISTS_MAX = 1000;

const OUTBOX_COLUMNS = Object.keys({
  id: 1,
  tenant_id: 1,
  event: 1,
  data: 1,
  created_at: 1,
} satisfies Record<keyof OutboxEventsTable, 1>) as (keyof OutboxEventsTable)[];

/** The outbox insert and the subscription lookup, compiled once per store. */
export function prepareOutboxSql(db: Kysely<Database>) {
  return {
    insert: preparedInsertMany(
      OUTBOX_COLUMNS,
      INSERT_BATCH,
      (rows) => db.insertInto("outbox_events").values(rows),
      (event: OutboxEvent) => ({
        id: event.id,
        tenant_id: event.tenantId,
        event: event.event,
        data: toJson(event.data),
        created_at: event.createdAt,
      }),
    ),
    // What the tenant's enabled endpoints subscribe to: the fan-out's own filter, read at commit.
    subscriptions: prepareSql(["tenantId"], (p) =>
      withWebhookTables(db)
        .selectFrom("webhook_endpoints")
        .select("events")
        .where("tenant_id", "=", p.tenantId)
        .where("disabled_at", "is", null),
    ),
  };
}

export type OutboxSql = ReturnType<typeof prepareOutboxSql>;

/** Endpoints' `events` columns as lists of event names. */
function parseEventLists(texts: readonly string[]): string[][] {
  return texts.map((events) => {
    let list = parsedLists.get(events);
    if (!list) {
      if (parsedLists.size >= PARSED_LISTS_MAX) parsedLists.clear();
      list = fromJson<string[]>(events);
      parsedLists.set(events, list);
    }
    return list;
  });
}

/** The event lists of a tenant's enabled webhook endpoints (empty when it has none). */
async function subscriptionsOf(prepared: OutboxSql, runner: SqlRunner, tenantId: string) {
  const rows = await queryRows<{ events: string }, "tenantId">(runner, prepared.subscriptions, { tenantId });
  return parseEventLists(rows.map(({ events }) => events));
}

/**
 * The transactional outbox: events commit with the state change that caused them. Only events
 * an enabled webhook endpoint of the tenant subscribes to are written — read in the same
 * transaction, so an endpoint receives every event committed after its own creation committed —
 * and a tenant without webhooks pays one index lookup instead of writing and later deleting rows.
 * On PostgreSQL the audit append made that lookup already, under the same lock
 * (subscriptions-read-under-lock.ts).
 */
export function createOutboxRepo(
  prepared: OutboxSql,
  runner: SqlRunner,
  memo?: BatchMemo,
  readUnderLock?: SubscriptionsReadUnderLock,
): OutboxRepo {
  return {
    async enqueue(events) {
      if (events.length === 0) return [];
      const byTenant = new Map<string, string[][]>();
      for (const { tenantId } of events) {
        if (!byTenant.has(tenantId)) {
          const read = readUnderLock?.take(tenantId);
          const lists =
            read !== undefined
              ? parseEventLists(read)
              : await remembered(memo, "webhook_endpoints", tenantId, () =>
                  subscriptionsOf(prepared, runner, tenantId),
                );
          byTenant.set(tenantId, lists);
        }
      }
      const kept = events.filter((event) =>
        (byTenant.get(event.tenantId) ?? []).some((list) => subscribes(list, event.event)),
      );
      if (kept.length > 0) await prepared.insert(runner, kept);
      return kept;
    },
  };
}
