import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createTestApp } from "./support/test-app";

describe("smoke", () => {
  it("builds openapi when everything is wired", async () => {
    const t = await createTestApp("sqlite");
    const r = await t.request("GET", "/openapi.json");
    writeFileSync("/tmp/openapi.json", JSON.stringify(await r.json(), null, 1));
    await t.close();
    expect(r.status).toBe(200);
  });
});
