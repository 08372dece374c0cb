import { ambientPlacement, type Intent } from "@intendedops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KyselyStore } from "../kysely-store";
import { DIALECTS, isoAt, makeAgent, makeIntent, randomSuffix, type TestStore } from "../test-fixtures";
import { type AmbientClusterRepo, createAmbientClusterRepo } from "./ambient-cluster-repo";
import { createSigningKeyRepo, type SigningKeyRecord } from "./signing-key-repo";

const email = { dataSourceId: "crm", path: "customers.email" };
const phone = { dataSourceId: "crm", path: "customers.phone" };

function key(kid: string, second: number): SigningKeyRecord {
  return {
    kid,
    algorithm: "EdDSA",
    publicJwk: JSON.stringify({ kty: "OKP", crv: "Ed25519", x: kid }),
    privateJwk: JSON.stringify({ kty: "OKP", crv: "Ed25519", x: kid, d: "secret" }),
    createdAt: isoAt(second),
  };
}

describe.each(DIALECTS)("intentions storage on %s", (_dialect, open) => {
  let ctx: TestStore;
  let store: KyselyStore;
  let clusters: AmbientClusterRepo;

  beforeAll(async () => {
    ctx = await open();
    store = ctx.store;
    clusters = createAmbientClusterRepo(store.db);
  });
  afterAll(() => ctx.dispose());

  async function tenantWithAgents(...agentIds: string[]): Promise<string> {
    const tenantId = `tenant-${randomSuffix()}`;
    await store.transaction(async (tx) => {
      for (const id of agentIds) await tx.agents.insert(makeAgent(tenantId, id));
    });
    return tenantId;
  }

  async function insert(intents: Intent[]): Promise<void> {
    await store.transaction(async (tx) => {
      for (const intent of intents) await tx.intents.insert(intent);
    });
  }

  describe("intent token column", () => {
    it("reads the token back when one is stored and omits the field when none is", async () => {
      const tenantId = await tenantWithAgents("billing-agent");
      const withToken = makeIntent(tenantId, "int_tok", "billing-agent", { intentToken: "a.b.c" });
      const without = makeIntent(tenantId, "int_none", "billing-agent");
      await insert([withToken, without]);
      const [a, b] = await store.read((tx) =>
        Promise.all([tx.intents.get(tenantId, "int_tok"), tx.intents.get(tenantId, "int_none")]),
      );
      expect(a).toStrictEqual(withToken);
      expect(b).toStrictEqual(without);
      expect(b && "intentToken" in b).toBe(false);
    });

    it("stores the token set by a later update when an approval mints it", async () => {
      const tenantId = await tenantWithAgents("billing-agent");
      const pending = makeIntent(tenantId, "int_later", "billing-agent", { intention: "invoice_send" });
      await insert([pending]);
      const approved: Intent = { ...pending, status: "approved", intentToken: "x.y.z", updatedAt: isoAt(9) };
      expect(await store.transaction((tx) => tx.intents.update(approved, "pending"))).toBe(true);
      expect(await store.read((tx) => tx.intents.get(tenantId, "int_later"))).toStrictEqual(approved);
    });
  });

  describe("ambient clusters", () => {
    it("groups ambient intents by domain, type and element set whatever the element order", async () => {
      const tenantId = await tenantWithAgents("billing-agent", "support-agent");
      await insert([
        makeIntent(tenantId, "int_1", "billing-agent", {
          dataElements: [email, phone],
          createdAt: isoAt(10),
        }),
        makeIntent(tenantId, "int_2", "support-agent", {
          dataElements: [phone, email],
          createdAt: isoAt(30),
        }),
        makeIntent(tenantId, "int_3", "billing-agent", {
          dataElements: [phone, email, phone],
          createdAt: isoAt(20),
        }),
        makeIntent(tenantId, "int_4", "billing-agent", { dataElements: [email], createdAt: isoAt(40) }),
        makeIntent(tenantId, "int_5", "billing-agent", {
          dataElements: [email],
          intention: "invoice_send",
          createdAt: isoAt(50),
        }),
      ]);
      const list = await clusters.list(tenantId, 10);
      const bothId = ambientPlacement({
        intention: "ambient",
        domain: "billing",
        type: "billing.send_invoice",
        dataElements: [email, phone],
      })?.clusterId;
      expect(list).toEqual([
        {
          id: bothId,
          domain: "billing",
          type: "billing.send_invoice",
          dataElements: [
            { data_source_id: "crm", path: "customers.email" },
            { data_source_id: "crm", path: "customers.phone" },
          ],
          count: 3,
          agents: ["billing-agent", "support-agent"],
          firstSeenAt: isoAt(10),
          lastSeenAt: isoAt(30),
        },
        expect.objectContaining({ count: 1, agents: ["billing-agent"], firstSeenAt: isoAt(40) }),
      ]);
      expect(await clusters.get(tenantId, bothId ?? "")).toEqual(list[0]);
    });

    it("moves first and last seen to the earliest and latest intent whatever order they commit in", async () => {
      const tenantId = await tenantWithAgents("billing-agent");
      await insert([makeIntent(tenantId, "int_mid", "billing-agent", { createdAt: isoAt(20) })]);
      await insert([makeIntent(tenantId, "int_early", "billing-agent", { createdAt: isoAt(5) })]);
      await insert([makeIntent(tenantId, "int_late", "billing-agent", { createdAt: isoAt(40) })]);
      await insert([makeIntent(tenantId, "int_between", "billing-agent", { createdAt: isoAt(30) })]);
      const [cluster] = await clusters.list(tenantId, 10);
      expect(cluster).toMatchObject({ count: 4, firstSeenAt: isoAt(5), lastSeenAt: isoAt(40) });
    });

    it("keeps the largest clusters first and honours the limit", async () => {
      const tenantId = await tenantWithAgents("billing-agent");
      const intents: Intent[] = [];
      for (let i = 0; i < 3; i++) {
        intents.push(makeIntent(tenantId, `int_a${i}`, "billing-agent", { dataElements: [phone] }));
      }
      intents.push(makeIntent(tenantId, "int_b", "billing-agent", { dataElements: [] }));
      await insert(intents);
      const top = await clusters.list(tenantId, 1);
      expect(top).toHaveLength(1);
      expect(top[0]).toMatchObject({
        count: 3,
        dataElements: [{ data_source_id: "crm", path: "customers.phone" }],
      });
      expect((await clusters.list(tenantId, 10)).map((c) => c.count)).toEqual([3, 1]);
    });

    it("counts nothing for an intent whose id is taken: its insert fails with the rollup writes", async () => {
      const tenantId = await tenantWithAgents("billing-agent", "support-agent");
      await insert([makeIntent(tenantId, "int_taken", "billing-agent", { createdAt: isoAt(10) })]);
      // On PostgreSQL the rollup writes share the intent's statement; they must not outlive it.
      await expect(
        store.transaction(async (tx) => {
          await tx.intents.insert(
            makeIntent(tenantId, "int_taken", "support-agent", { createdAt: isoAt(90) }),
          );
        }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      expect(await clusters.list(tenantId, 10)).toEqual([
        expect.objectContaining({ count: 1, agents: ["billing-agent"], lastSeenAt: isoAt(10) }),
      ]);
    });

    it("finds nothing for another tenant's cluster or an unknown id", async () => {
      const tenantId = await tenantWithAgents("billing-agent");
      const other = await tenantWithAgents("billing-agent");
      await insert([makeIntent(tenantId, "int_mine", "billing-agent")]);
      const [mine] = await clusters.list(tenantId, 10);
      expect(mine).toBeDefined();
      expect(await clusters.get(other, mine?.id ?? "")).toBeUndefined();
      expect(await clusters.list(other, 10)).toEqual([]);
      expect(await clusters.get(tenantId, "amb_0000000000000000")).toBeUndefined();
    });
  });

  describe("signing keys", () => {
    it("lists keys oldest first and refuses a second key with the same kid", async () => {
      const repo = createSigningKeyRepo(store.db);
      const before = await repo.list();
      const newer = key(`kid-new-${randomSuffix()}`, 59);
      const older = key(`kid-old-${randomSuffix()}`, 0);
      expect(await repo.insert(newer)).toBe(true);
      expect(await repo.insert(older)).toBe(true);
      expect(await repo.insert({ ...older, privateJwk: "{}" })).toBe(false);
      const after = (await repo.list()).filter((k) => !before.some((b) => b.kid === k.kid));
      expect(after).toEqual([older, newer]);
    });

    it("replaces a private half only while it still reads as expected", async () => {
      const repo = createSigningKeyRepo(store.db);
      const record = key(`kid-seal-${randomSuffix()}`, 1);
      await repo.insert(record);
      expect(await repo.replacePrivate(record.kid, record.privateJwk, "sealed:v1:first")).toBe(true);
      // A second instance that read the plain key before the first sealed it loses.
      expect(await repo.replacePrivate(record.kid, record.privateJwk, "sealed:v1:second")).toBe(false);
      expect(await repo.replacePrivate("kid-unknown", record.privateJwk, "sealed:v1:x")).toBe(false);
      const stored = (await repo.list()).find((k) => k.kid === record.kid);
      expect(stored).toEqual({ ...record, privateJwk: "sealed:v1:first" });
    });
  });
});
