import { defineConfig } from "vitest/config";

/**
 * Shared vitest settings. The `@intendedops/source` export condition makes workspace
 * packages resolve to their TypeScript sources, so tests never need a prior build.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["@intendedops/source", "import", "module", "default"] },
  ssr: { resolve: { conditions: ["@intendedops/source", "import", "module", "node", "default"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
