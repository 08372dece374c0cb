import { defineConfig } from "vitest/config";

// Root entry for editors and `npx vitest` at the top level: every package is a project.
export default defineConfig({
  test: { projects: ["packages/*", "apps/*"] },
});
