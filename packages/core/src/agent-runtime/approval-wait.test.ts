import { describe, expect, it, vi } from "vitest";
import { pollDelays, sleep, waitForDecision } from "./approval-wait";
import type { GovernanceBackend, IntentStatusReport } from "./governance-backend";

const take = (n: number, delays: Iterator<number>) => Array.from({ length: n }, () => delays.next().value);

describe("pollDelays", () => {
  it("doubles from the first interval up to the cap when polling", () => {
    expect(take(7, pollDelays({ pollIntervalMs: 100, maxPollIntervalMs: 1_000 }))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000,
    ]);
  });

  it("uses 1 s doubling to 30 s when no options are given", () => {
    expect(take(7, pollDelays())).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it("never goes below the first interval when the cap is smaller", () => {
    expect(take(3, pollDelays({ pollIntervalMs: 500, maxPollIntervalMs: 100 }))).toEqual([500, 500, 500]);
  });
});

describe("waitForDecision", () => {
  /** A backend whose status script advances one step per poll (the decision itself is not under test). */
  function scripted(statuses: IntentStatusReport["status"][]) {
    const polls: string[] = [];
    const backend = {
      getStatus: async (intentId: string) => {
        polls.push(intentId);
        return { status: statuses[Math.min(polls.length, statuses.length) - 1] ?? "pending", reasons: ["r"] };
      },
    } as unknown as GovernanceBackend;
    return { backend, polls };
  }

  it("returns the first non-pending status when the intent leaves pending", async () => {
    const { backend, polls } = scripted(["pending", "pending", "approved"]);
    const outcome = await waitForDecision(backend, "int_1", { pollIntervalMs: 1 });
    expect(outcome).toEqual({ kind: "decided", report: { status: "approved", reasons: ["r"] } });
    expect(polls).toEqual(["int_1", "int_1", "int_1"]);
  });

  it("reports a timeout with the last status when the clock passes the deadline", async () => {
    const { backend } = scripted(["pending"]);
    let now = 0;
    const clock = () => {
      now += 400;
      return now;
    };
    const outcome = await waitForDecision(
      backend,
      "int_1",
      { timeoutMs: 1_000, pollIntervalMs: 1 },
      undefined,
      clock,
    );
    expect(outcome.kind).toBe("timeout");
  });
});

describe("waitForDecision with timers beyond setTimeout's limit", () => {
  it("polls once, not in a busy loop, when the poll interval and timeout are infinite (regression: setTimeout fired at once)", async () => {
    vi.useFakeTimers();
    try {
      const polls: string[] = [];
      const backend = {
        getStatus: async (intentId: string) => {
          polls.push(intentId);
          return { status: "pending", reasons: [] };
        },
      } as unknown as GovernanceBackend;
      void waitForDecision(backend, "int_1", { timeoutMs: Infinity, pollIntervalMs: Infinity });
      await vi.advanceTimersByTimeAsync(1_000);
      expect(polls).toEqual(["int_1"]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });

  it("rejects at once when the signal is already aborted", async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error("gone")))).rejects.toThrow("gone");
  });
});
