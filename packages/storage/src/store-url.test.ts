import { describe, expect, it } from "vitest";
import { DEFAULT_STORE_URL, parseStoreUrl } from "./store-url";

describe("parseStoreUrl", () => {
  it("reads PostgreSQL when the URL uses postgres:// or postgresql://", () => {
    expect(parseStoreUrl("postgres://u@h:5432/db")).toEqual({
      dialect: "postgres",
      url: "postgres://u@h:5432/db",
    });
    expect(parseStoreUrl("postgresql://h/db")).toEqual({ dialect: "postgres", url: "postgresql://h/db" });
  });

  it("reads an SQLite file when the URL is file:, file:// or a bare path", () => {
    expect(parseStoreUrl()).toEqual({ dialect: "sqlite", filename: "./data/intendedops.db" });
    expect(parseStoreUrl(DEFAULT_STORE_URL)).toEqual({
      dialect: "sqlite",
      filename: "./data/intendedops.db",
    });
    expect(parseStoreUrl("file:///var/lib/io.db")).toEqual({ dialect: "sqlite", filename: "/var/lib/io.db" });
    expect(parseStoreUrl("data/x.db")).toEqual({ dialect: "sqlite", filename: "data/x.db" });
  });

  it("reads in-memory SQLite when the URL is file::memory: or :memory:", () => {
    expect(parseStoreUrl("file::memory:")).toEqual({ dialect: "sqlite", filename: ":memory:" });
    expect(parseStoreUrl(":memory:")).toEqual({ dialect: "sqlite", filename: ":memory:" });
  });

  it("throws VALIDATION_ERROR when the scheme is unsupported or the path empty", () => {
    expect(() => parseStoreUrl("mysql://h/db")).toThrow(
      expect.objectContaining({ code: "VALIDATION_ERROR" }),
    );
    expect(() => parseStoreUrl("file:")).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
  });

  it("throws VALIDATION_ERROR when a file: URL carries SQLite URI parameters (regression: opened a new file named 'x.db?mode=ro')", () => {
    for (const url of [
      "file:./data/x.db?mode=ro",
      "file:///var/lib/x.db?mode=ro",
      "file::memory:?cache=shared",
      "file:x.db#main",
    ]) {
      expect(() => parseStoreUrl(url), url).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
    }
    expect(parseStoreUrl("data/what?.db")).toEqual({ dialect: "sqlite", filename: "data/what?.db" });
  });

  it("reads the file: scheme in any case, as URL schemes are (regression: FILE:./x.db opened a new file under a directory named 'FILE:.')", () => {
    expect(parseStoreUrl("FILE:./data/x.db")).toEqual({ dialect: "sqlite", filename: "./data/x.db" });
    expect(parseStoreUrl("File:///var/lib/io.db")).toEqual({ dialect: "sqlite", filename: "/var/lib/io.db" });
    expect(parseStoreUrl("FILE::memory:")).toEqual({ dialect: "sqlite", filename: ":memory:" });
    expect(() => parseStoreUrl("FILE:")).toThrow(expect.objectContaining({ code: "VALIDATION_ERROR" }));
  });
});
