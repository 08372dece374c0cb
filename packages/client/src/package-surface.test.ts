import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as client from "./index";

const SRC = import.meta.dirname;

function sourceFiles(): string[] {
  return readdirSync(SRC).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
}

describe("package surface", () => {
  it("imports no node: module when it is bundled for browsers, Deno and Bun", () => {
    for (const file of sourceFiles()) {
      const text = readFileSync(join(SRC, file), "utf8");
      expect(text, file).not.toMatch(
        /from\s+["']node:|require\(["']node:|from\s+["'](fs|http|https|crypto|path)["']/,
      );
    }
  });

  it("imports core for types only, except the webhooks subpath", () => {
    for (const file of sourceFiles()) {
      const text = readFileSync(join(SRC, file), "utf8");
      const valueImports =
        text.match(/^(import|export) (?!type )[^;]*from "@intendedops\/core[^"]*"/gm) ?? [];
      for (const line of valueImports) expect(line, file).toContain('"@intendedops/core/webhooks"');
    }
  });

  it("exports the client, the typed errors and the helpers by name", () => {
    const names = [
      "IntendedOpsClient",
      "IntendedOpsApiError",
      "ValidationError",
      "UnauthorizedError",
      "ForbiddenError",
      "NotFoundError",
      "AgentNotFoundError",
      "ConflictError",
      "InvalidStateError",
      "AlreadyResolvedError",
      "IdempotencyKeyReusedError",
      "RateLimitedError",
      "PayloadTooLargeError",
      "InternalError",
      "NetworkError",
      "TimeoutError",
      "verifyIntentToken",
      "createIntentTokenVerifier",
      "remoteGovernance",
      "signIntendedOps",
      "verifyIntendedOps",
      "signStandardWebhook",
      "verifyStandardWebhook",
      "generateWebhookSecret",
      "buildWebhookHeaders",
    ];
    for (const name of names) expect(client, name).toHaveProperty(name);
  });
});
