/** A background task run every `intervalMs`; returns how many items it processed. */
export interface PeriodicJob {
  name: string;
  intervalMs: number;
  run(): Promise<number>;
}

export interface JobObserver {
  processed?(job: string, count: number): void;
  failed?(job: string, error: unknown): void;
}

export interface JobRegistry {
  register(job: PeriodicJob): void;
  /** Start every registered job's timer. */
  start(): void;
  /** Stop the timers and wait for runs in progress, so the database can close safely. */
  stop(): Promise<void>;
  /** Run one job now (tests, CLI). */
  runOnce(name: string): Promise<number>;
}

/**
 * Periodic jobs in-process. A run never overlaps the previous one of the same job: the next
 * run is scheduled only after the current one settles.
 */
export function createJobRegistry(observer: JobObserver = {}): JobRegistry {
  const jobs = new Map<string, PeriodicJob>();
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let started = false;

  const execute = async (job: PeriodicJob): Promise<number> => {
    try {
      const count = await job.run();
      observer.processed?.(job.name, count);
      return count;
    } catch (error) {
      observer.failed?.(job.name, error);
      return 0;
    }
  };

  const schedule = (job: PeriodicJob) => {
    const timer = setTimeout(() => {
      timers.delete(job.name);
      const run = execute(job).finally(() => {
        running.delete(run);
        if (started) schedule(job);
      });
      running.add(run);
    }, job.intervalMs);
    timer.unref();
    timers.set(job.name, timer);
  };

  return {
    register(job) {
      if (jobs.has(job.name)) throw new TypeError(`Job ${job.name} is already registered`);
      jobs.set(job.name, job);
      if (started) schedule(job);
    },
    start() {
      if (started) return;
      started = true;
      for (const job of jobs.values()) schedule(job);
    },
    async stop() {
      started = false;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
    async runOnce(name) {
      const job = jobs.get(name);
      if (!job) throw new TypeError(`Unknown job ${name}`);
      return execute(job);
    },
  };
}
