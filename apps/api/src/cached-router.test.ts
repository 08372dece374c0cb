import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { CachedRouter } from "./cached-router";

function app() {
  const hono = new Hono({ router: new CachedRouter() });
  hono.use("*", async (c, next) => {
    await next();
    c.header("x-seen", "1");
  });
  hono.get("/items", (c) => c.json({ list: true }));
  hono.get("/items/:id", (c) => c.json({ id: c.req.param("id") }));
  hono.post("/items", (c) => c.json({ created: true }, 201));
  return hono;
}

describe("CachedRouter", () => {
  it("answers a static path the same way on every request when the match is cached", async () => {
    const hono = app();
    for (let i = 0; i < 3; i++) {
      const res = await hono.request("/items");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-seen")).toBe("1");
      expect(await res.json()).toEqual({ list: true });
    }
  });

  it("gives each request its own path parameters when paths carry ids", async () => {
    const hono = app();
    expect(await (await hono.request("/items/a")).json()).toEqual({ id: "a" });
    expect(await (await hono.request("/items/b")).json()).toEqual({ id: "b" });
    expect(await (await hono.request("/items/a")).json()).toEqual({ id: "a" });
  });

  it("keeps methods apart when one path has handlers for several", async () => {
    const hono = app();
    expect((await hono.request("/items")).status).toBe(200);
    expect((await hono.request("/items", { method: "POST" })).status).toBe(201);
    expect((await hono.request("/items")).status).toBe(200);
  });

  it("keeps answering correctly when more distinct unknown paths arrive than it remembers", async () => {
    const hono = app();
    for (let i = 0; i < 1100; i++) expect((await hono.request(`/missing/${i}`)).status).toBe(404);
    expect((await hono.request("/items")).status).toBe(200);
    expect(await (await hono.request("/items/z")).json()).toEqual({ id: "z" });
  });
});
