import type { Agent, AgentRepo } from "@intendedops/core";
import { type Insertable, type Kysely, type Selectable, sql } from "kysely";
import type { AgentsTable, Database } from "../database";
import { type BatchMemo, remembered, tenantKey } from "../dialects/batch-memo";
import type { DialectAdapter, SqlRunner } from "../dialects/dialect-adapter";
import { fromJson, toJson } from "./json-columns";
import { pageWindow, toPage } from "./pagination";
import { prepareSql, queryRows } from "./prepared-sql";
import type { RevisionsReadWithAgent } from "./revisions-read-with-agent";
import { conflict, inserted } from "./write-results";

function toRow(agent: Agent): Insertable<AgentsTable> {
  return {
    tenant_id: agent.tenantId,
    id: agent.id,
    name: agent.name,
    description: agent.description,
    domains: toJson(agent.domains),
    intent_types: toJson(agent.intentTypes),
    status: agent.status,
    trust_tier: agent.trustTier,
    trust_score: agent.trustScore,
    tier_since: agent.tierSince,
    recent_outcomes: toJson(agent.recentOutcomes),
    failure_streak: agent.failureStreak,
    created_at: agent.createdAt,
    updated_at: agent.updatedAt,
  };
}

function fromRow(row: Selectable<AgentsTable>): Agent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    domains: fromJson(row.domains),
    intentTypes: fromJson(row.intent_types),
    status: row.status as Agent["status"],
    trustTier: row.trust_tier as Agent["trustTier"],
    trustScore: row.trust_score,
    tierSince: row.tier_since,
    recentOutcomes: fromJson(row.recent_outcomes),
    failureStreak: row.failure_streak,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The agent lookups every submission runs, compiled once per store. */
export function prepareAgentSql(db: Kysely<Database>, adapter: DialectAdapter) {
  const byId = (p: { tenantId: never; id: never }) =>
    db.selectFrom("agents").selectAll().where("tenant_id", "=", p.tenantId).where("id", "=", p.id);
  const revision = (p: { tenantId: never }, kind: "policies" | "intentions") =>
    db
      .selectFrom("tenant_revisions")
      .select("revision")
      .where("tenant_id", "=", p.tenantId)
      // A literal, not a parameter: the statement binds only the lookup's own arguments.
      .where("kind", "=", sql.lit(kind));
  return {
    get: prepareSql(["tenantId", "id"], byId),
    getForUpdate: prepareSql(["tenantId", "id"], (p) => adapter.lockRows(byId(p))),
    // The agent with both rule revisions of its tenant (two primary-key lookups), for a write
    // transaction that will read them next (revisions-read-with-agent.ts).
    getWithRevisions: prepareSql(["tenantId", "id"], (p) =>
      byId(p).select([
        revision(p, "policies").as(POLICIES_REVISION),
        revision(p, "intentions").as(INTENTIONS_REVISION),
      ]),
    ),
  };
}

// Not columns of `agents`, so `fromRow` never sees them as the agent's.
const POLICIES_REVISION = "tenant_policies_revision";
const INTENTIONS_REVISION = "tenant_intentions_revision";

type AgentRowWithRevisions = Selectable<AgentsTable> & {
  [POLICIES_REVISION]: number | null;
  [INTENTIONS_REVISION]: number | null;
};

export type AgentSql = ReturnType<typeof prepareAgentSql>;

/** Agents, keyed by (tenant, id) because agent ids are chosen by users. */
export function createAgentRepo(
  db: Kysely<Database>,
  prepared: AgentSql,
  runner: SqlRunner,
  memo?: BatchMemo,
  revisionsWithAgent?: RevisionsReadWithAgent,
): AgentRepo {
  return {
    async get(tenantId, id, options) {
      if (revisionsWithAgent && !options?.forUpdate) {
        const [row] = await queryRows<AgentRowWithRevisions, "tenantId" | "id">(
          runner,
          prepared.getWithRevisions,
          { tenantId, id },
        );
        if (!row) return undefined;
        revisionsWithAgent.put(tenantId, {
          policies: row[POLICIES_REVISION] ?? 0,
          intentions: row[INTENTIONS_REVISION] ?? 0,
        });
        return fromRow(row);
      }
      const statement = options?.forUpdate ? prepared.getForUpdate : prepared.get;
      // The row (or null), not the agent: every caller gets objects of its own.
      const row = await remembered(memo, "agents", tenantKey(tenantId, id), async () => {
        const [found] = await queryRows<Selectable<AgentsTable>, "tenantId" | "id">(runner, statement, {
          tenantId,
          id,
        });
        return found ?? null;
      });
      return row === null ? undefined : fromRow(row);
    },
    async insert(agent) {
      const result = await db
        .insertInto("agents")
        .values(toRow(agent))
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirstOrThrow();
      if (!inserted(result)) throw conflict(`Agent already exists: ${agent.id}`, { agentId: agent.id });
    },
    async update(agent) {
      const { tenant_id, id, ...changes } = toRow(agent);
      await db
        .updateTable("agents")
        .set(changes)
        .where("tenant_id", "=", tenant_id)
        .where("id", "=", id)
        .execute();
    },
    async list(tenantId, page) {
      const { limit, offset } = pageWindow(page);
      const [rows, total] = await Promise.all([
        db
          .selectFrom("agents")
          .selectAll()
          .where("tenant_id", "=", tenantId)
          .orderBy("created_at")
          .orderBy("id")
          .limit(limit)
          .offset(offset)
          .execute(),
        db
          .selectFrom("agents")
          .select((eb) => eb.fn.countAll<number>().as("total"))
          .where("tenant_id", "=", tenantId)
          .executeTakeFirstOrThrow(),
      ]);
      return toPage(rows.map(fromRow), total.total, page);
    },
    async countActive(tenantId) {
      const row = await db
        .selectFrom("agents")
        .select((eb) => eb.fn.countAll<number>().as("total"))
        .where("tenant_id", "=", tenantId)
        .where("status", "=", "active")
        .executeTakeFirstOrThrow();
      return row.total;
    },
    async countByTier() {
      const rows = await db
        .selectFrom("agents")
        .select(["tenant_id", "trust_tier", (eb) => eb.fn.countAll<number>().as("total")])
        .groupBy(["tenant_id", "trust_tier"])
        .execute();
      return rows.map((row) => ({
        tenantId: row.tenant_id,
        trustTier: row.trust_tier as Agent["trustTier"],
        count: row.total,
      }));
    },
    async listTrustScores(limit) {
      // The primary key (tenant_id, id) serves this order, so the limit stops the scan early.
      const first = await db
        .selectFrom("agents")
        .select(["tenant_id", "id", "trust_score"])
        .orderBy("tenant_id")
        .orderBy("id")
        .limit(limit + 1)
        .execute();
      // More agents than the limit: share it out, each tenant's n-th agent before any tenant's
      // (n+1)-th, so the tenants that sort first cannot take every row. Only then is the whole
      // table ranked.
      const rows = first.length <= limit ? first : await fairShare(limit);
      return rows.map((row) => ({ tenantId: row.tenant_id, agentId: row.id, trustScore: row.trust_score }));
    },
  };

  /** At most `limit` agents, shared out evenly across tenants, ordered by tenant then agent id. */
  function fairShare(limit: number) {
    const ranked = db
      .selectFrom("agents")
      .select([
        "tenant_id",
        "id",
        "trust_score",
        sql<number>`row_number() over (partition by tenant_id order by id)`.as("rank"),
      ])
      .as("ranked");
    const chosen = db
      .selectFrom(ranked)
      .select(["tenant_id", "id", "trust_score"])
      .orderBy("rank")
      .orderBy("tenant_id")
      .orderBy("id")
      .limit(limit)
      .as("chosen");
    return db.selectFrom(chosen).selectAll().orderBy("tenant_id").orderBy("id").execute();
  }
}
