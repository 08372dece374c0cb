import { defineConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared";

/**
 * The shared config, except for the SSR conditions: vitest passes them to the worker as
 * `node --conditions`, and the shared list's "import" makes pg's CommonJS `require("pg-pool")`
 * load pg-pool's ES module build, which breaks `new Pool()` (same fix as packages/storage).
 */
export default defineConfig({
  ...sharedConfig,
  ssr: { resolve: { conditions: ["@intendedops/source", "node", "default"] } },
});
