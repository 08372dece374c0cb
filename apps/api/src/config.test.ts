import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_DATABASE_URL, loadConfig } from "./config";

const KEY = "intendedops_acme_0123456789abcdefghijKL";

describe("loadConfig", () => {
  it("applies the documented defaults when the environment is empty", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: DEFAULT_DATABASE_URL,
      bootstrapKeys: [],
      logLevel: "info",
      rateLimitPerMinute: 1000,
      bodyLimitBytes: 1024 * 1024,
    });
  });

  it("reads every variable when they are valid", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
      INTENDEDOPS_BOOTSTRAP_KEY: ` ${KEY} , intendedops_other-t_ABCDEFGHIJKLMNOPQRSTUVWXYZab`,
      LOG_LEVEL: "silent",
      RATE_LIMIT_PER_MINUTE: "50",
    });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe("postgres://postgres@127.0.0.1:5432/test");
    expect(config.bootstrapKeys).toEqual([KEY, "intendedops_other-t_ABCDEFGHIJKLMNOPQRSTUVWXYZab"]);
    expect(config.logLevel).toBe("silent");
    expect(config.rateLimitPerMinute).toBe(50);
  });

  it("reads DATABASE_POOL_SIZE, 10 connections by default", () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: "25" }).databasePoolSize).toBe(25);
  });

  it("reads MAX_WEBHOOKS_PER_TENANT, 100 by default", () => {
    expect(loadConfig({}).maxWebhooksPerTenant).toBe(100);
    expect(loadConfig({ MAX_WEBHOOKS_PER_TENANT: "5" }).maxWebhooksPerTenant).toBe(5);
  });

  it("reads DATABASE_PREPARED_STATEMENTS, on by default", () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: "0" }).databasePreparedStatements).toBe(false);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: "false" }).databasePreparedStatements).toBe(false);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: "true" }).databasePreparedStatements).toBe(true);
  });

  it("reads MAX_POLICIES_PER_TENANT, 1,000 by default, and names it when it is out of range", () => {
    expect(loadConfig({}).maxPoliciesPerTenant).toBe(1000);
    expect(loadConfig({ MAX_POLICIES_PER_TENANT: "5000" }).maxPoliciesPerTenant).toBe(5000);
    for (const bad of ["0", "-1", "1.5", "100001", "many"]) {
      expect(() => loadConfig({ MAX_POLICIES_PER_TENANT: bad })).toThrow(/MAX_POLICIES_PER_TENANT/);
    }
  });

  it.each([["127.0.0.1"], ["0.0.0.0"], ["::"], ["::1"], ["localhost"], ["api.internal.example.com"]])(
    "accepts HOST %s",
    (value) => {
      expect(loadConfig({ HOST: value }).host).toBe(value);
    },
  );

  it("accepts a postgres URL whatever the case of its scheme, as the store does", () => {
    expect(loadConfig({ DATABASE_URL: "POSTGRES://postgres@127.0.0.1/test" }).databaseUrl).toBe(
      "POSTGRES://postgres@127.0.0.1/test",
    );
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["DATABASE_URL", "file:"],
    ["DATABASE_URL", "./data/bare-path.db"],
    ["HOST", "not a host!"],
    ["HOST", "999.1.1.1"],
    ["HOST", "-leading-dash"],
    ["LOG_LEVEL", "verbose"],
    ["INTENDEDOPS_BOOTSTRAP_KEY", "intendedops_tenant123_xK9mN2pQ7rS4tU6v"],
    ["INTENDEDOPS_BOOTSTRAP_KEY", "not-a-key"],
    ["INTENDEDOPS_BOOTSTRAP_KEY", "intendedops_Bad_Tenant_0123456789abcdefghijKL"],
    ["RATE_LIMIT_PER_MINUTE", "0"],
    ["METRICS_TOKEN", "short"],
    ["DATABASE_POOL_SIZE", "0"],
    ["DATABASE_POOL_SIZE", "ten"],
    ["DATABASE_POOL_SIZE", "1001"],
    ["DATABASE_PREPARED_STATEMENTS", "off"],
    ["MAX_WEBHOOKS_PER_TENANT", "0"],
  ])("names %s in the error when its value is %j", (variable, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toContain(variable);
  });
});
