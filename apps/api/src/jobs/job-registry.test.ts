import { describe, expect, it } from "vitest";
import { createJobRegistry } from "./job-registry";

describe("createJobRegistry", () => {
  it("runs every job once as soon as it starts, not an interval later", async () => {
    let ran!: () => void;
    const first = new Promise<void>((resolve) => {
      ran = resolve;
    });
    const jobs = createJobRegistry();
    jobs.register({
      name: "expire-approvals",
      intervalMs: 3_600_000,
      run: async () => {
        ran();
        return 0;
      },
    });
    jobs.start();
    await first;
    await jobs.stop();
  });

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

  it("names the jobs with a run in progress when asked, and none once they finish", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const jobs = createJobRegistry();
    jobs.register({
      name: "stuck",
      intervalMs: 3_600_000,
      run: async () => {
        started();
        await gate;
        return 0;
      },
    });
    jobs.register({ name: "idle", intervalMs: 3_600_000, run: async () => 0 });
    jobs.start();
    jobs.wake("stuck");
    await running;
    expect(jobs.running()).toEqual(["stuck"]);
    release();
    await jobs.stop();
    expect(jobs.running()).toEqual([]);
  });

  it("refuses a second job with the same name when registering", () => {
    const jobs = createJobRegistry();
    jobs.register({ name: "a", intervalMs: 10, run: async () => 0 });
    expect(() => jobs.register({ name: "a", intervalMs: 10, run: async () => 0 })).toThrow(TypeError);
  });
});

describe("createJobRegistry outcomes and wake-ups", () => {
  it("reports processed and failed items when a run returns an outcome", async () => {
    const processed: [string, number][] = [];
    const itemsFailed: [string, number][] = [];
    const jobs = createJobRegistry({
      processed: (job, count) => processed.push([job, count]),
      itemsFailed: (job, count) => itemsFailed.push([job, count]),
    });
    jobs.register({ name: "deliver", intervalMs: 60_000, run: async () => ({ processed: 5, failed: 2 }) });
    expect(await jobs.runOnce("deliver")).toBe(5);
    expect(processed).toEqual([["deliver", 5]]);
    expect(itemsFailed).toEqual([["deliver", 2]]);
  });

  it("runs a started job at once when woken instead of waiting for its interval", async () => {
    let runs = 0;
    let ran!: () => void;
    const first = new Promise<void>((resolve) => {
      ran = resolve;
    });
    const jobs = createJobRegistry();
    jobs.register({
      name: "deliver",
      intervalMs: 3_600_000,
      run: async () => {
        runs += 1;
        ran();
        return 0;
      },
    });
    jobs.wake("deliver");
    jobs.start();
    jobs.wake("deliver");
    await first;
    await jobs.stop();
    expect(runs).toBe(1);
  });

  it("runs again right after the current run when woken during it", async () => {
    const starts: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let secondRun!: () => void;
    const second = new Promise<void>((resolve) => {
      secondRun = resolve;
    });
    let firstStarted!: () => void;
    const first = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    const jobs = createJobRegistry();
    jobs.register({
      name: "deliver",
      intervalMs: 3_600_000,
      run: async () => {
        starts.push(starts.length + 1);
        if (starts.length === 1) {
          firstStarted();
          await gate;
        } else secondRun();
        return 0;
      },
    });
    jobs.start();
    jobs.wake("deliver");
    await first;
    jobs.wake("deliver");
    jobs.wake("deliver");
    release();
    await second;
    await jobs.stop();
    expect(starts).toEqual([1, 2]);
  });

  it("runs again at once when a run reports more work", async () => {
    let runs = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const jobs = createJobRegistry();
    jobs.register({
      name: "drain",
      intervalMs: 3_600_000,
      run: async () => {
        runs += 1;
        if (runs === 3) done();
        return { processed: 1, more: runs < 3 };
      },
    });
    jobs.start();
    jobs.wake("drain");
    await finished;
    await jobs.stop();
    expect(runs).toBe(3);
  });
});
