import { afterEach, describe, expect, it, vi } from "vitest";
import { waitForDecision } from "./approval-wait";
import type { GovernanceBackend } from "./governance-backend";

describe("waitForDecision and the wall clock", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Regression: the timeout was measured on Date.now, so a clock stepped back an hour kept the
  // agent polling for that hour.
  it("times out after timeoutMs when the wall clock steps back during the wait", async () => {
    let polls = 0;
    const backend = {
      // Decided only after far more polls than the timeout allows: reaching it means the wait ran on.
      getStatus: async () => ({ status: ++polls > 200 ? "approved" : "pending", reasons: [] }),
    } as unknown as GovernanceBackend;
    const realNow = Date.now.bind(Date);
    let calls = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() - (++calls > 1 ? 3_600_000 : 0));
    const outcome = await waitForDecision(backend, "int_1", {
      timeoutMs: 50,
      pollIntervalMs: 1,
      maxPollIntervalMs: 1,
    });
    expect(outcome.kind).toBe("timeout");
    expect(polls).toBeLessThan(200);
  });
});
