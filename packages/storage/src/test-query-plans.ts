import { CompiledQuery, type Kysely, type KyselyPlugin, sql } from "kysely";
import type { Database } from "./database";
import type { KyselyStore } from "./kysely-store";

/**
 * Test support: the plans the databases choose for the statements a repo runs, so a test can fail
 * when a read would walk a whole table or sort it instead of searching an index.
 */

/** A handle on `store`'s database that records every statement it compiles. */
export function recordingDb(store: KyselyStore): { db: Kysely<Database>; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const root = store.db;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      queries.push(root.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: root.withPlugin(plugin), queries };
}

export interface Plan {
  /** Index names the plan reads, with the conditions each one is searched by. */
  indexes: { name: string; condition: string }[];
  /** A sort (SQLite temp b-tree) or a scan of a whole table. */
  sorts: boolean;
  tableScans: string[];
}

/**
 * The plan of `query`: on PostgreSQL with sequential scans and sorts discouraged, since its planner
 * prefers them on the tiny tables of a test.
 */
export async function planOf(store: KyselyStore, query: CompiledQuery): Promise<Plan> {
  if (store.dialect === "sqlite") {
    const { rows } = await store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    const indexes: Plan["indexes"] = [];
    const tableScans: string[] = [];
    for (const { detail } of rows) {
      const index = /USING (?:COVERING )?INDEX (\S+)(?: \((.*)\))?/.exec(detail);
      if (index?.[1]) indexes.push({ name: index[1], condition: index[2] ?? "" });
      else if (/^SCAN \w+$/.test(detail)) tableScans.push(detail);
    }
    return { indexes, sorts: rows.some(({ detail }) => detail.includes("TEMP B-TREE")), tableScans };
  }
  return store.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    await sql`set local enable_sort = off`.execute(trx);
    const { rows } = await trx.executeQuery<{ "QUERY PLAN": unknown }>(
      CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
    );
    const raw = rows[0]?.["QUERY PLAN"];
    const doc = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PgNode }[];
    const plan: Plan = { indexes: [], sorts: false, tableScans: [] };
    const walk = (node: PgNode): void => {
      if (node["Node Type"] === "Sort" || node["Node Type"] === "Incremental Sort") plan.sorts = true;
      if (node["Node Type"] === "Seq Scan") plan.tableScans.push(String(node["Relation Name"]));
      if (node["Index Name"]) {
        plan.indexes.push({ name: node["Index Name"], condition: node["Index Cond"] ?? "" });
      }
      for (const child of node.Plans ?? []) walk(child);
    };
    for (const entry of doc) walk(entry.Plan);
    return plan;
  });
}

interface PgNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PgNode[];
}
