import type { Page, PageRequest } from "@intendedops/core";
import type { Kysely } from "kysely";
import type { DialectAdapter } from "../dialects/dialect-adapter";
import { pageWindow, toPage } from "../repos/pagination";
import { conflict, inserted } from "../repos/write-results";
import type { WebhookDatabase } from "./webhook-tables";

/** The two endpoint tables: outgoing webhooks and inbound outcome receivers. */
export type EndpointTable = "webhook_endpoints" | "inbound_endpoints";

/** The columns both tables key and order by; every other column passes through the mapping. */
interface KeyColumns {
  id: string;
  tenant_id: string;
  created_at: string;
}

/** A record's row mapping: `toRow` must give every column, `fromRow` reads a full row back. */
export interface EndpointMapping<T extends EndpointTable, R> {
  toRow(record: R): WebhookDatabase[T];
  fromRow(row: WebhookDatabase[T]): R;
}

/** What both endpoint repos do alike: tenant-scoped insert, get, page, update and delete. */
export interface EndpointRows<R> {
  /** CONFLICT when the id exists. */
  insert(record: R): Promise<void>;
  /**
   * `forUpdate` locks the row to the end of the transaction (PostgreSQL; SQLite's writer is
   * already alone), for the read of a read-modify-write such as a secret rotation.
   */
  get(tenantId: string, id: string, options?: { forUpdate?: boolean }): Promise<R | undefined>;
  /** By id alone, across tenants. */
  find(id: string): Promise<R | undefined>;
  /** The tenant's endpoints, oldest first. */
  list(tenantId: string, page: PageRequest): Promise<Page<R>>;
  /** How many endpoints the tenant holds (for a per-tenant bound). */
  count(tenantId: string): Promise<number>;
  /** Rewrites every mutable column; false when the endpoint is not in the tenant. */
  update(record: R): Promise<boolean>;
  /** False when the endpoint is not in the tenant. */
  delete(tenantId: string, id: string): Promise<boolean>;
}

/**
 * Tenant-scoped CRUD over one endpoint table. The table name is a parameter, which Kysely's types
 * cannot follow generically, so the queries see one table of key columns only; the full row is
 * typed at the mapping, which is where the two tables differ.
 * @example const rows = endpointRows(db, "inbound_endpoints", "Inbound endpoint", { toRow, fromRow }, adapter);
 */
export function endpointRows<T extends EndpointTable, R>(
  db: Kysely<WebhookDatabase>,
  table: T,
  label: string,
  mapping: EndpointMapping<T, R>,
  adapter: DialectAdapter,
): EndpointRows<R> {
  const keyed = db as unknown as Kysely<{ endpoints: KeyColumns }>;
  // Kysely types one table at a time: the queries are typed as "endpoints" and run on `table`.
  const name = table as EndpointTable as "endpoints";
  const fromRow = (row: KeyColumns) => mapping.fromRow(row as unknown as WebhookDatabase[T]);
  const toRow = (record: R) => mapping.toRow(record) as unknown as KeyColumns;
  const count = async (tenantId: string): Promise<number> => {
    const counted = await keyed
      .selectFrom(name)
      .select((eb) => eb.fn.countAll<number>().as("total"))
      .where("tenant_id", "=", tenantId)
      .executeTakeFirstOrThrow();
    return Number(counted.total);
  };
  return {
    async insert(record) {
      const row = toRow(record);
      const result = await keyed
        .insertInto(name)
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirstOrThrow();
      if (!inserted(result)) throw conflict(`${label} already exists: ${row.id}`, { id: row.id });
    },
    async get(tenantId, id, options) {
      const query = keyed.selectFrom(name).selectAll().where("id", "=", id).where("tenant_id", "=", tenantId);
      const row = await (options?.forUpdate ? adapter.lockRows(query) : query).executeTakeFirst();
      return row && fromRow(row);
    },
    async find(id) {
      const row = await keyed.selectFrom(name).selectAll().where("id", "=", id).executeTakeFirst();
      return row && fromRow(row);
    },
    async list(tenantId, page) {
      const { limit, offset } = pageWindow(page);
      const [rows, total] = await Promise.all([
        keyed
          .selectFrom(name)
          .selectAll()
          .where("tenant_id", "=", tenantId)
          .orderBy("created_at")
          .orderBy("id")
          .limit(limit)
          .offset(offset)
          .execute(),
        count(tenantId),
      ]);
      return toPage(rows.map(fromRow), total, page);
    },
    count,
    async update(record) {
      const { id, tenant_id, created_at, ...changes } = toRow(record);
      const result = await keyed
        .updateTable(name)
        .set(changes)
        .where("id", "=", id)
        .where("tenant_id", "=", tenant_id)
        .executeTakeFirstOrThrow();
      return result.numUpdatedRows === 1n;
    },
    async delete(tenantId, id) {
      const result = await keyed
        .deleteFrom(name)
        .where("id", "=", id)
        .where("tenant_id", "=", tenantId)
        .executeTakeFirstOrThrow();
      return result.numDeletedRows === 1n;
    },
  };
}
