import { describe, expect, it } from "vitest";
import { createJobRegistry } from "./job-registry";

describe("createJobRegistry", () => {
  it("reports the processed count when a job runs once", async () => {
    const processed: [string, number][] = [];
    const jobs = createJobRegistry({ processed: (job, count) => processed.push([job, count]) });
    jobs.register({ name: "count", intervalMs: 60_000, run: async () => 3 });
    expect(await jobs.runOnce("count")).toBe(3);
    expect(processed).toEqual([["count", 3]]);
  });

  it("reports the failure and keeps going when a job throws", async () => {
    const failures: string[] = [];
    const jobs = createJobRegistry({ failed: (job) => failures.push(job) });
    jobs.register({
      name: "broken",
      intervalMs: 60_000,
      run: async () => {
        throw new Error("boom");
      },
    });
    expect(await jobs.runOnce("broken")).toBe(0);
    expect(failures).toEqual(["broken"]);
  });

  it("waits for a run in progress when stopped", async () => {
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const jobs = createJobRegistry();
    jobs.register({
      name: "slow",
      intervalMs: 1,
      run: async () => {
        started();
        await new Promise((resolve) => setImmediate(resolve));
        finished = true;
        return 1;
      },
    });
    jobs.start();
    await running;
    await jobs.stop();
    expect(finished).toBe(true);
  });

  it("refuses a second job with the same name when registering", () => {
    const jobs = createJobRegistry();
    jobs.register({ name: "a", intervalMs: 10, run: async () => 0 });
    expect(() => jobs.register({ name: "a", intervalMs: 10, run: async () => 0 })).toThrow(TypeError);
  });
});
