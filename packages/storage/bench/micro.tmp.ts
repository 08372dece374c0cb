import { CompiledQuery } from "kysely";
import { createStore } from "../src/create-store";
import { makeAgent } from "../src/test-fixtures";

const store = await createStore({ url: "file::memory:" });
await store.transaction((tx) => tx.agents.insert(makeAgent("t", "a")));
const N = 50000;
async function time(label: string, fn: (db: typeof store.db) => Promise<unknown>) {
  await store.db.connection().execute(async (db) => {
    for (let i = 0; i < 2000; i++) await fn(db);
    const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn(db);
    console.log(label, (Number(process.hrtime.bigint() - t) / N / 1000).toFixed(2), "µs");
  });
}
const compiled = store.db
  .selectFrom("agents")
  .selectAll()
  .where("tenant_id", "=", "x")
  .where("id", "=", "y")
  .compile();
console.log(compiled.sql);
await time("builder", (db) =>
  db.selectFrom("agents").selectAll().where("tenant_id", "=", "t").where("id", "=", "a").executeTakeFirst(),
);
await time("executeQuery raw", (db) => db.executeQuery(CompiledQuery.raw(compiled.sql, ["t", "a"])));
const { default: Better } = await import("better-sqlite3");
const raw = new Better(":memory:");
raw.exec(
  "create table agents (tenant_id text, id text, name text, description text, domains text, intent_types text, status text, trust_tier text, trust_score int, tier_since text, recent_outcomes text, failure_streak int, created_at text, updated_at text, primary key (tenant_id, id))",
);
raw
  .prepare("insert into agents values ('t','a','n',null,'[]','[]','active','T0',100,'x','[]',0,'x','x')")
  .run();
const st = raw.prepare(compiled.sql);
let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) st.get("t", "a");
console.log("direct get", (Number(process.hrtime.bigint() - t) / N / 1000).toFixed(2), "µs");
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) st.all(["t", "a"]);
console.log("direct all", (Number(process.hrtime.bigint() - t) / N / 1000).toFixed(2), "µs");
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) await Promise.resolve(st.get("t", "a"));
console.log("direct get + await", (Number(process.hrtime.bigint() - t) / N / 1000).toFixed(2), "µs");
await store.close();
