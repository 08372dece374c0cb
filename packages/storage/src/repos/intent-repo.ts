import {
  ambientPlacement,
  INTENT_STATUSES,
  type Intent,
  type IntentFilter,
  type IntentRepo,
  type IntentStatus,
} from "@intendedops/core";
import type { Insertable, Kysely, QueryCreator, Selectable, SelectQueryBuilder } from "kysely";
import type { Database, IntentsTable } from "../database";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import {
  insertAmbientAgent,
  prepareAmbientRollupSql,
  recordAmbientArrival,
  upsertAmbientCluster,
} from "../intentions/ambient-rollup";
import { type IntentionDatabase, withIntentionTables } from "../intentions/intention-tables";
import { fromJson, toJson } from "./json-columns";
import { inListOrder, nearerEnd, pageWindow, readOrder, toPage } from "./pagination";
import { type Placeholders, prepareSql, queryRows, runChanges } from "./prepared-sql";
import { conflict } from "./write-results";

function toRow(intent: Intent): Required<Insertable<IntentsTable>> {
  const ambient = ambientPlacement(intent);
  return {
    id: intent.id,
    tenant_id: intent.tenantId,
    agent_id: intent.agentId,
    type: intent.type,
    domain: intent.domain,
    params: toJson(intent.params),
    description: intent.description,
    justification: intent.justification,
    idempotency_key: intent.idempotencyKey,
    status: intent.status,
    risk_level: intent.riskLevel,
    decision: toJson(intent.decision),
    intention: intent.intention,
    data_elements: toJson(intent.dataElements),
    submitted_by: intent.submittedBy,
    result: intent.result === undefined ? null : toJson(intent.result),
    error: intent.error,
    value_cents: intent.valueCents,
    value_category: intent.valueCategory,
    created_at: intent.createdAt,
    updated_at: intent.updatedAt,
    completed_at: intent.completedAt,
    intent_token: intent.intentToken ?? null,
    ambient_cluster: ambient?.clusterId ?? null,
    ambient_elements: ambient?.elementsKey ?? null,
  };
}

function fromRow(row: Selectable<IntentsTable>): Intent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    type: row.type,
    domain: row.domain,
    params: fromJson(row.params),
    description: row.description,
    justification: row.justification,
    idempotencyKey: row.idempotency_key,
    status: row.status as IntentStatus,
    riskLevel: row.risk_level as Intent["riskLevel"],
    decision: fromJson(row.decision),
    intention: row.intention,
    dataElements: fromJson(row.data_elements),
    submittedBy: row.submitted_by,
    // `result` is optional: an intent without one reads back without the key.
    ...(row.result === null ? {} : { result: fromJson(row.result) }),
    error: row.error,
    valueCents: row.value_cents,
    valueCategory: row.value_category as Intent["valueCategory"],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    ...(row.intent_token === null ? {} : { intentToken: row.intent_token }),
  };
}

function filtered<O>(
  query: SelectQueryBuilder<Database, "intents", O>,
  adapter: DialectAdapter,
  tenantId: string,
  filter: IntentFilter,
): SelectQueryBuilder<Database, "intents", O> {
  let q = query.where("tenant_id", "=", tenantId);
  if (filter.status !== undefined) {
    // With an agent, type or domain filter, that filter's index (which ends in status) serves the
    // query and tests the status on its entries. Written plainly, SQLite (no statistics) took the
    // narrower status index instead and read every row of that status to test the other filter:
    // `?type=…&status=completed` read every completed intent of the tenant (3 s for 256,000).
    const combined = filter.agentId !== undefined || filter.type !== undefined || filter.domain !== undefined;
    q = q.where(combined ? adapter.offIndex("status") : "status", "=", filter.status);
  }
  if (filter.agentId !== undefined) q = q.where("agent_id", "=", filter.agentId);
  if (filter.type !== undefined) q = q.where("type", "=", filter.type);
  if (filter.domain !== undefined) q = q.where("domain", "=", filter.domain);
  if (filter.createdFrom !== undefined) q = q.where("created_at", ">=", filter.createdFrom);
  if (filter.createdBefore !== undefined) q = q.where("created_at", "<", filter.createdBefore);
  return q;
}

/** Every column, checked complete against the table type: a prepared insert writes exactly these. */
const INTENT_COLUMNS = Object.keys({
  id: 1,
  tenant_id: 1,
  agent_id: 1,
  type: 1,
  domain: 1,
  params: 1,
  description: 1,
  justification: 1,
  idempotency_key: 1,
  status: 1,
  risk_level: 1,
  decision: 1,
  intention: 1,
  data_elements: 1,
  submitted_by: 1,
  result: 1,
  error: 1,
  value_cents: 1,
  value_category: 1,
  created_at: 1,
  updated_at: 1,
  completed_at: 1,
  intent_token: 1,
  ambient_cluster: 1,
  ambient_elements: 1,
} satisfies Record<keyof IntentsTable, 1>) as (keyof IntentsTable)[];

/** The intent insert every submission runs, compiled once per store. */
export function prepareIntentSql(db: Kysely<Database>, adapter: DialectAdapter) {
  return {
    insert: prepareSql(INTENT_COLUMNS, (p: Placeholders<keyof IntentsTable>) =>
      db
        .insertInto("intents")
        .values(p)
        .onConflict((oc) => oc.doNothing()),
    ),
    ambient: prepareAmbientRollupSql(db),
    /**
     * PostgreSQL: an ambient intent's insert with its two rollup writes, one round trip instead of
     * three. The rollup writes take their row from the insert's, so an id already taken (the
     * caller's CONFLICT) writes nothing at all, as on SQLite: a caller that catches the conflict
     * and commits must not find the intent counted twice. It answers the inserted intent's id.
     */
    insertAmbient: adapter.writesInWith
      ? prepareSql(INTENT_COLUMNS, (p: Placeholders<keyof IntentsTable>) => {
          const arrival = {
            tenantId: p.tenant_id,
            clusterId: p.ambient_cluster,
            domain: p.domain,
            type: p.type,
            elements: p.ambient_elements,
            at: p.created_at,
            agentId: p.agent_id,
          };
          // The CTEs' names widen the creators' types, not the tables the rollup writes use.
          const tables = (qc: unknown) => qc as QueryCreator<IntentionDatabase>;
          return withIntentionTables(db)
            .with("inserted", (qc) =>
              qc
                .insertInto("intents")
                .values(p)
                .onConflict((oc) => oc.doNothing())
                .returning("id"),
            )
            .with("cluster", (qc) => upsertAmbientCluster(tables(qc), arrival, "inserted"))
            .with("cluster_agent", (qc) => insertAmbientAgent(tables(qc), arrival, "inserted"))
            .selectFrom("inserted")
            .select("id");
        })
      : undefined,
  };
}

export type IntentSql = ReturnType<typeof prepareIntentSql>;

/** Intents, listed newest first; updates are compare-and-set on status. */
export function createIntentRepo(
  db: Kysely<Database>,
  adapter: DialectAdapter,
  prepared: IntentSql,
  runner: SqlRunner,
): IntentRepo {
  const count = async (tenantId: string, filter: IntentFilter): Promise<number> => {
    const row = await filtered(
      db.selectFrom("intents").select((eb) => eb.fn.countAll<number>().as("total")),
      adapter,
      tenantId,
      filter,
    ).executeTakeFirstOrThrow();
    return row.total;
  };

  return {
    async get(tenantId, id) {
      const row = await db
        .selectFrom("intents")
        .selectAll()
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async insert(intent) {
      const row = toRow(intent);
      const { ambient_cluster: clusterId, ambient_elements: elements } = row;
      const ambient = clusterId !== null && elements !== null;
      const together = ambient ? prepared.insertAmbient : undefined;
      const inserted = together
        ? (await queryRows(runner, together, row)).length
        : await runChanges(runner, prepared.insert, row);
      if (inserted !== 1) throw conflict(`Intent already exists: ${intent.id}`);
      if (ambient && !together) {
        await recordAmbientArrival(runner, prepared.ambient, {
          tenantId: row.tenant_id,
          clusterId,
          domain: row.domain,
          type: row.type,
          elements,
          agentId: row.agent_id,
          at: row.created_at,
        });
      }
    },
    async update(intent, expectedStatus) {
      const { id, tenant_id, created_at, ...changes } = toRow(intent);
      const result = await db
        .updateTable("intents")
        .set(changes)
        .where("id", "=", id)
        .where("tenant_id", "=", tenant_id)
        .where("status", "=", expectedStatus)
        .executeTakeFirstOrThrow();
      return result.numUpdatedRows === 1n;
    },
    async list(tenantId, filter, page) {
      const requested = pageWindow(page);
      const total = await count(tenantId, filter);
      const window = nearerEnd(requested, total);
      const rows = window
        ? await filtered(db.selectFrom("intents").selectAll(), adapter, tenantId, filter)
            .orderBy("created_at", readOrder(window, "desc"))
            .orderBy("id", readOrder(window, "desc"))
            .limit(window.limit)
            .offset(window.offset)
            .execute()
        : [];
      return toPage(inListOrder(rows, window).map(fromRow), total, page);
    },
    count,
    async countByStatus(tenantId, agentId) {
      const counts: Partial<Record<IntentStatus, number>> = {};
      if (agentId !== undefined) {
        // One conditional count per status instead of GROUP BY status: grouped, SQLite (no
        // statistics) walked the tenant's status index — every intent of the tenant — to avoid
        // sorting; here it reads the agent's entries of the agent index, which holds the status.
        const row = await db
          .selectFrom("intents")
          .select((eb) =>
            INTENT_STATUSES.map((status) =>
              eb.fn
                .sum<number | string | null>(eb.case().when("status", "=", status).then(1).else(0).end())
                .as(status),
            ),
          )
          .where("tenant_id", "=", tenantId)
          .where("agent_id", "=", agentId)
          .executeTakeFirstOrThrow();
        for (const status of INTENT_STATUSES) {
          const total = Number(row[status] ?? 0);
          if (total > 0) counts[status] = total;
        }
        return counts;
      }
      const rows = await db
        .selectFrom("intents")
        .select(["status", (eb) => eb.fn.countAll<number>().as("total")])
        .where("tenant_id", "=", tenantId)
        .groupBy("status")
        .execute();
      for (const row of rows) counts[row.status as IntentStatus] = row.total;
      return counts;
    },
  };
}
