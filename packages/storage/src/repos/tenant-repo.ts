import type { Kysely, Selectable } from "kysely";
import type { Database, TenantsTable } from "../database";
import { inserted } from "./write-results";

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: string;
}

export interface TenantRepo {
  /** Creates the tenant unless it exists (an existing tenant keeps its name); `created` tells which. */
  ensure(id: string, name?: string): Promise<TenantRecord & { created: boolean }>;
  get(id: string): Promise<TenantRecord | undefined>;
  /** All tenants, oldest first. */
  list(): Promise<TenantRecord[]>;
}

const fromRow = (row: Selectable<TenantsTable>): TenantRecord => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
});

/** Tenants: the owners of everything else (API keys reference them). */
export function createTenantRepo(db: Kysely<Database>, clock: () => number): TenantRepo {
  const get = async (id: string): Promise<TenantRecord | undefined> => {
    const row = await db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
    return row && fromRow(row);
  };

  return {
    async ensure(id, name = id) {
      const result = await db
        .insertInto("tenants")
        .values({ id, name, created_at: new Date(clock()).toISOString() })
        .onConflict((oc) => oc.column("id").doNothing())
        .executeTakeFirstOrThrow();
      const tenant = await get(id);
      // Unreachable unless the row is deleted between the two statements outside a transaction.
      if (!tenant) throw new Error(`Tenant ${id} disappeared while being ensured`);
      return { ...tenant, created: inserted(result) };
    },
    get,
    async list() {
      const rows = await db.selectFrom("tenants").selectAll().orderBy("created_at").orderBy("id").execute();
      return rows.map(fromRow);
    },
  };
}
