import { IntendedOpsError } from "../errors";

/** Reverts one write; run in reverse order on rollback. */
type Undo = () => void;

/**
 * The undo log of one in-memory transaction. Writes register how to revert themselves,
 * so a throw anywhere in the transaction restores the state exactly.
 */
export class Journal {
  private readonly undos: Undo[] = [];
  private open = true;

  constructor(private readonly writable: boolean) {}

  /** Throws unless writes are allowed now (read-only view, or transaction already finished). */
  assertWritable(): void {
    if (!this.open) throw new IntendedOpsError("INTERNAL_ERROR", "The transaction has already finished");
    if (!this.writable) {
      throw new IntendedOpsError(
        "INTERNAL_ERROR",
        "store.read() is read-only; use store.transaction() to write",
      );
    }
  }

  record(undo: Undo): void {
    this.undos.push(undo);
  }

  commit(): void {
    this.open = false;
    this.undos.length = 0;
  }

  rollback(): void {
    this.open = false;
    for (let i = this.undos.length - 1; i >= 0; i--) this.undos[i]?.();
    this.undos.length = 0;
  }
}

/** Rows keyed by tenant, then id: tenant isolation is structural, not a filter. */
export class TenantTable<T> {
  private readonly tenants = new Map<string, Map<string, T>>();

  get(tenantId: string, id: string): T | undefined {
    return this.tenants.get(tenantId)?.get(id);
  }

  has(tenantId: string, id: string): boolean {
    return this.tenants.get(tenantId)?.has(id) ?? false;
  }

  values(tenantId: string): T[] {
    const rows = this.tenants.get(tenantId);
    return rows ? [...rows.values()] : [];
  }

  /** Every tenant's rows (cross-tenant jobs such as approval expiry). */
  *allValues(): IterableIterator<T> {
    for (const rows of this.tenants.values()) yield* rows.values();
  }

  set(journal: Journal, tenantId: string, id: string, value: T): void {
    journal.assertWritable();
    let rows = this.tenants.get(tenantId);
    if (!rows) {
      rows = new Map();
      this.tenants.set(tenantId, rows);
    }
    const table = rows;
    if (table.has(id)) {
      const previous = table.get(id) as T;
      journal.record(() => table.set(id, previous));
    } else {
      journal.record(() => table.delete(id));
    }
    table.set(id, value);
  }

  delete(journal: Journal, tenantId: string, id: string): boolean {
    journal.assertWritable();
    const table = this.tenants.get(tenantId);
    if (!table?.has(id)) return false;
    const previous = table.get(id) as T;
    journal.record(() => table.set(id, previous));
    table.delete(id);
    return true;
  }
}

/** Append-only rows per tenant (audit events, trust changes, value records). */
export class TenantLog<T> {
  private readonly tenants = new Map<string, T[]>();

  rows(tenantId: string): readonly T[] {
    return this.tenants.get(tenantId) ?? [];
  }

  /** Every tenant's rows, tenant by tenant. */
  *allRows(): IterableIterator<T> {
    for (const rows of this.tenants.values()) yield* rows;
  }

  append(journal: Journal, tenantId: string, items: readonly T[]): void {
    journal.assertWritable();
    let rows = this.tenants.get(tenantId);
    if (!rows) {
      rows = [];
      this.tenants.set(tenantId, rows);
    }
    const log = rows;
    const length = log.length;
    journal.record(() => {
      log.length = length;
    });
    log.push(...items);
  }
}
