import {
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  TableNode,
  type UnknownRow,
} from "kysely";

/** The tables whose hot reads a batch may remember: each submission reads each of them once. */
export type MemoTable = "agents" | "audit_heads" | "tenant_revisions" | "webhook_endpoints";

/** Every table a statement may write, or "all" when the statement is not one we can read. */
export type WrittenTables = readonly string[] | "all";

/**
 * What a write transaction's repos read and may read again, kept for as long as the transaction
 * holds the database's only write lock — on SQLite, one group-commit batch, whose members (one
 * submission each) would otherwise read the same tenant's agent, rule revisions, webhook
 * subscriptions and audit head once per member. Nobody else can change those rows while the batch
 * holds the lock, so an entry stays true until the batch itself writes its table:
 * - every Kysely-built write on the batch's handle drops the entries of the tables it writes
 *   (`plugin`; a statement whose tables cannot be told, raw SQL included, drops everything);
 * - the prepared writes that touch a remembered table update or drop it themselves (the audit
 *   head's compare-and-set, the only one);
 * - a member rolled back to its savepoint drops everything (`clear`), since what it wrote and
 *   remembered is gone.
 * Values are shared by later members: store rows or immutable values and build fresh objects
 * from them on every read.
 */
export class BatchMemo {
  readonly #tables = new Map<string, Map<string, unknown>>();

  /** Drops the entries of the tables each Kysely-built write statement on the handle may change. */
  readonly plugin: KyselyPlugin = {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => {
      const written = tablesWritten(args.node);
      if (written === "all") this.clear();
      else for (const table of written) this.#tables.delete(table);
      return args.node;
    },
    transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => args.result,
  };

  /** True when `key` of `table` is remembered (its value may be null: "no such row"). */
  has(table: MemoTable, key: string): boolean {
    return this.#tables.get(table)?.has(key) ?? false;
  }

  get<T>(table: MemoTable, key: string): T | undefined {
    return this.#tables.get(table)?.get(key) as T | undefined;
  }

  set(table: MemoTable, key: string, value: unknown): void {
    let entries = this.#tables.get(table);
    if (!entries) {
      entries = new Map();
      this.#tables.set(table, entries);
    }
    entries.set(key, value);
  }

  clear(): void {
    this.#tables.clear();
  }
}

/**
 * Reads through `memo` when there is one: the remembered value, or `read()`'s, remembered.
 * Without a memo (outside a group-commit batch, or on PostgreSQL) it is just `read()`.
 */
export async function remembered<T>(
  memo: BatchMemo | undefined,
  table: MemoTable,
  key: string,
  read: () => Promise<T>,
): Promise<T> {
  if (!memo) return read();
  if (memo.has(table, key)) return memo.get<T>(table, key) as T;
  const value = await read();
  memo.set(table, key, value);
  return value;
}

/** The memo key of a row keyed by tenant and id; the length prefix keeps it unambiguous. */
export function tenantKey(tenantId: string, id: string): string {
  return `${tenantId.length}:${tenantId}${id}`;
}

/** The tables a Kysely statement writes: none for a plain SELECT, "all" when unsure. */
export function tablesWritten(node: RootOperationNode): WrittenTables {
  switch (node.kind) {
    case "SelectQueryNode":
      // A WITH clause can hold a data-modifying statement (PostgreSQL); say "all" rather than look.
      return node.with === undefined ? [] : "all";
    case "InsertQueryNode":
      return node.with === undefined && node.into ? [tableName(node.into)] : "all";
    case "UpdateQueryNode":
      return node.with === undefined && node.table && node.from === undefined && node.joins === undefined
        ? namesOrAll([node.table])
        : "all";
    case "DeleteQueryNode":
      return node.with === undefined && node.using === undefined && node.joins === undefined
        ? namesOrAll(node.from.froms)
        : "all";
    default:
      return "all";
  }
}

function tableName(node: TableNode): string {
  return node.table.identifier.name;
}

function namesOrAll(nodes: readonly OperationNode[]): WrittenTables {
  const names: string[] = [];
  for (const node of nodes) {
    // An alias (`update agents as a`) or anything else we would have to look into: say "all".
    if (!TableNode.is(node)) return "all";
    names.push(tableName(node));
  }
  return names;
}
