import { defineConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared";

/**
 * The shared config, except for the SSR conditions: vitest hands those to the worker as
 * `node --conditions`, and the shared list's "import" makes CommonJS `require("pg-pool")`
 * (inside pg) load pg-pool's ES module build, which breaks `new Pool()`.
 */
export default defineConfig({
  ...sharedConfig,
  ssr: { resolve: { conditions: ["@intendedops/source", "node", "default"] } },
});
