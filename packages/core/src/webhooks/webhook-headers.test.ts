import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyIntendedOps } from "./intendedops-signature";
import { generateWebhookSecret, verifyStandardWebhook } from "./standard-webhooks";
import { buildWebhookHeaders } from "./webhook-headers";

const body = '{"id":"whk_1","event":"intent.completed","data":{"intentId":"int_1"}}';

describe("buildWebhookHeaders", () => {
  it("signs both ways with the current secret when no rotation is under way", async () => {
    const secret = generateWebhookSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = await buildWebhookHeaders({ id: "whk_1", timestamp, body, secret });
    expect(Object.keys(headers).sort()).toEqual([
      "webhook-id",
      "webhook-signature",
      "webhook-timestamp",
      "x-intendedops-signature",
    ]);
    expect(headers["webhook-id"]).toBe("whk_1");
    expect(headers["webhook-timestamp"]).toBe(String(timestamp));
    expect(headers["webhook-signature"].split(" ")).toHaveLength(1);
    await expect(verifyIntendedOps(body, headers["x-intendedops-signature"], secret)).resolves.toBe(true);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("adds a signature for the previous secret when rotating", async () => {
    const secret = generateWebhookSecret();
    const previousSecret = generateWebhookSecret();
    const now = Date.now();
    const headers = await buildWebhookHeaders({
      id: "whk_2",
      timestamp: Math.floor(now / 1000),
      body,
      secret,
      previousSecret,
    });
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const key of [secret, previousSecret]) {
      await expect(verifyStandardWebhook({ headers, body, secret: key, now })).resolves.toMatchObject({
        valid: true,
      });
    }
    await expect(verifyIntendedOps(body, headers["x-intendedops-signature"], secret)).resolves.toBe(true);
    await expect(verifyIntendedOps(body, headers["x-intendedops-signature"], previousSecret)).resolves.toBe(
      false,
    );
  });
});

describe("webhooks folder", () => {
  it("imports no node: module and nothing outside the folder when built for browsers (regression)", () => {
    const dir = fileURLToPath(new URL(".", import.meta.url));
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      const text = readFileSync(`${dir}/${file}`, "utf8");
      const specifiers = [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
      for (const specifier of specifiers)
        expect([file, specifier]).toEqual([file, expect.stringMatching(/^\.\/[\w-]+$/)]);
      expect(text).not.toMatch(/\brequire\(|import\(/);
    }
  });
});
