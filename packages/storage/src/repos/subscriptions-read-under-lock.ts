import { ReadAhead } from "./read-ahead";

/**
 * The webhook subscriptions of a tenant as the statement that appended its audit events read them
 * (PostgreSQL), handed to the outbox of the same transaction.
 *
 * The outbox keeps only the events some enabled endpoint subscribes to, and reads the endpoints
 * after the tenant's audit head is locked, so that the read sees every endpoint committed before
 * the lock was granted. On PostgreSQL that read is one more round trip while the lock is held,
 * which every other writer of the tenant waits for. The append statement runs under the lock
 * already, so it reads the subscriptions too and leaves them here; the outbox takes them instead
 * of reading again. One object per transaction: what it holds is never older than the lock.
 * `recordEvents` enqueues right after it appends, and every endpoint change of the API writes the
 * endpoint before it records its audit event, so the read sees the transaction's own change. A
 * caller that changed an endpoint between its append and its enqueue would have the outbox filter
 * by the endpoints as they were at the append. The values are the `events` column of each enabled
 * endpoint (JSON text).
 */
export class SubscriptionsReadUnderLock extends ReadAhead<readonly string[]> {}
