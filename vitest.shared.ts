import { defineConfig } from "vitest/config";

/**
 * Shared vitest settings. The `@intendedops/source` export condition makes workspace
 * packages resolve to their TypeScript sources, so tests never need a prior build.
 * The SSR list deliberately omits "import": vitest hands it to the worker as
 * `node --conditions`, and "import" would make pg's CommonJS `require("pg-pool")` load
 * pg-pool's ES module build, which breaks `new Pool()`.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["@intendedops/source", "import", "module", "default"] },
  ssr: { resolve: { conditions: ["@intendedops/source", "node", "default"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
