/**
 * What one statement of a write transaction read ahead, per tenant, for a later read of the same
 * transaction, so that the later read costs no round trip of its own (PostgreSQL). One object per
 * transaction; each value is taken once, so a second read of the transaction asks the database.
 */
export class ReadAhead<T> {
  readonly #byTenant = new Map<string, T>();

  put(tenantId: string, value: T): void {
    this.#byTenant.set(tenantId, value);
  }

  /** What `put` left for `tenantId`, once. */
  take(tenantId: string): T | undefined {
    const value = this.#byTenant.get(tenantId);
    this.#byTenant.delete(tenantId);
    return value;
  }

  /** Forgets everything: the transaction changed what was read. */
  drop(): void {
    this.#byTenant.clear();
  }
}
