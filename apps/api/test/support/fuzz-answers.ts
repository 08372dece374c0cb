import { createHash } from "node:crypto";
import { ERROR_STATUS } from "@intendedops/core";
import { sql } from "kysely";
import { expect } from "vitest";
import type { TestApp } from "./test-app";

/** What the fuzz tests (`test/fuzz-*.test.ts`) check of every answer and of the database around it. */

/** Every table of the schema: a refused request must leave each one as it was. */
export const TABLES = [
  "agents",
  "ambient_cluster_agents",
  "ambient_clusters",
  "api_keys",
  "approvals",
  "audit_events",
  "audit_heads",
  "idempotency_keys",
  "inbound_endpoints",
  "inbound_messages",
  "intentions",
  "intents",
  "outbox_events",
  "policies",
  "signing_keys",
  "tenant_revisions",
  "tenants",
  "trust_changes",
  "value_records",
  "webhook_attempts",
  "webhook_deliveries",
  "webhook_endpoints",
];

/** A digest of every row of every table (`api_keys.last_used_at` aside: using a key may touch it). */
export async function stateDigest(t: TestApp, skip: readonly string[] = []): Promise<string> {
  const hash = createHash("sha256");
  for (const table of TABLES) {
    if (skip.includes(table)) continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
      t.store.db,
    );
    const lines = rows.map(({ last_used_at: _touched, ...row }) =>
      JSON.stringify(row, (_key, value) => (typeof value === "bigint" ? String(value) : value)),
    );
    hash.update(`${table}\n${lines.sort().join("\n")}\n`);
  }
  return hash.digest("hex");
}

const STACK_FRAME = /\bat .*\(?[^()\s]+:\d+:\d+\)?/;

/** What every answer must be: JSON, no 5xx, no stack trace, and errors in the guide's envelope. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by value, not by type.
export async function answerOf(response: Response): Promise<{ status: number; json: Record<string, any> }> {
  const text = await response.text();
  const label = `${response.status} ${text.slice(0, 300)}`;
  expect(response.status, label).toBeLessThan(500);
  expect(response.headers.get("content-type"), label).toMatch(/^application\/json/);
  expect(text, label).not.toMatch(STACK_FRAME);
  const json = JSON.parse(text);
  if (response.status >= 400) {
    expect(Object.keys(json), label).toEqual(["error"]);
    const { code, message, details } = json.error;
    expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], label).toBe(response.status);
    expect(typeof message === "string" && message.length > 0, label).toBe(true);
    if (code === "VALIDATION_ERROR") {
      expect(Array.isArray(details), label).toBe(true);
      for (const detail of details) {
        expect(Array.isArray(detail.path) && typeof detail.message === "string", label).toBe(true);
      }
    }
  } else {
    expect(json, label).toHaveProperty("data");
  }
  return { status: response.status, json };
}
