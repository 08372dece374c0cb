import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestHeader } from "./node-request";

describe("requestHeader", () => {
  const app = new Hono();
  app.get("/", (c) =>
    c.json({
      key: requestHeader(c, "x-api-key") ?? null,
      repeated: requestHeader(c, "x-repeated") ?? null,
      missing: requestHeader(c, "x-missing") ?? null,
    }),
  );
  let server: ReturnType<typeof serve>;
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
        url = `http://127.0.0.1:${info.port}/`;
        resolve();
      });
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads headers from the Node request when served by @hono/node-server", async () => {
    const headers = new Headers({ "X-Api-Key": "k1" });
    headers.append("x-repeated", "a");
    headers.append("x-repeated", "b");
    const body = await (await fetch(url, { headers })).json();
    expect(body).toEqual({ key: "k1", repeated: "a, b", missing: null });
  });

  it("falls back to Hono's request headers when there is no Node request", async () => {
    const response = await app.request("/", { headers: { "X-Api-Key": "k2" } });
    expect(await response.json()).toEqual({ key: "k2", repeated: null, missing: null });
  });
});
