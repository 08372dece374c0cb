/** What a run did, when a count alone does not say it. */
export interface JobOutcome {
  /** Items handled (deliveries attempted, approvals expired, …). */
  processed: number;
  /** Items among them that failed (a delivery the receiver refused); the run itself succeeded. */
  failed?: number;
  /** Work is left over: the next run starts at once instead of after the interval. */
  more?: boolean;
}

/** A background task run every `intervalMs`; returns how many items it processed. */
export interface PeriodicJob {
  name: string;
  intervalMs: number;
  /** `signal` is aborted when the registry stops: a long run should start no new work then. */
  run(signal?: AbortSignal): Promise<number | JobOutcome>;
}

export interface JobObserver {
  processed?(job: string, count: number): void;
  /** A run threw. */
  failed?(job: string, error: unknown): void;
  /** A run finished but some of its items failed. */
  itemsFailed?(job: string, count: number): void;
}

export interface JobRegistry {
  register(job: PeriodicJob): void;
  /**
   * Start every registered job: each runs once at once (work left from while the server was
   * down, such as approvals past their deadline or retries come due, is not left waiting a whole
   * interval), then every `intervalMs`.
   */
  start(): void;
  /**
   * Stop the timers, abort the signal of runs in progress (they start no new work) and wait for
   * them, so the database can close safely.
   */
  stop(): Promise<void>;
  /** Names of the jobs with a run in progress (what a shutdown that timed out still waits for). */
  running(): string[];
  /** Run one job now (tests, CLI). */
  runOnce(name: string): Promise<number>;
  /**
   * Run a started job as soon as possible instead of at its next tick: at once when idle, right
   * after the current run when one is in progress. Wakes arriving meanwhile fold into one run.
   */
  wake(name: string): void;
}

function normalize(result: number | JobOutcome): Required<JobOutcome> {
  return typeof result === "number"
    ? { processed: result, failed: 0, more: false }
    : { processed: result.processed, failed: result.failed ?? 0, more: result.more ?? false };
}

/**
 * Periodic jobs in-process. A run never overlaps the previous one of the same job: the next
 * run is scheduled only after the current one settles.
 */
export function createJobRegistry(observer: JobObserver = {}): JobRegistry {
  const jobs = new Map<string, PeriodicJob>();
  const timers = new Map<string, NodeJS.Timeout>();
  const active = new Map<string, Promise<unknown>>();
  const controllers = new Map<string, AbortController>();
  const woken = new Set<string>();
  let started = false;

  const execute = async (job: PeriodicJob, signal?: AbortSignal): Promise<Required<JobOutcome>> => {
    try {
      const outcome = normalize(await job.run(signal));
      observer.processed?.(job.name, outcome.processed);
      if (outcome.failed > 0) observer.itemsFailed?.(job.name, outcome.failed);
      return outcome;
    } catch (error) {
      observer.failed?.(job.name, error);
      return { processed: 0, failed: 0, more: false };
    }
  };

  const launch = (job: PeriodicJob) => {
    timers.delete(job.name);
    woken.delete(job.name);
    let again = false;
    const controller = new AbortController();
    controllers.set(job.name, controller);
    const run = execute(job, controller.signal)
      .then((outcome) => {
        again = outcome.more;
      })
      .finally(() => {
        active.delete(job.name);
        controllers.delete(job.name);
        if (started) schedule(job, again || woken.has(job.name) ? 0 : job.intervalMs);
      });
    active.set(job.name, run);
  };

  const schedule = (job: PeriodicJob, delayMs: number) => {
    const timer = setTimeout(() => launch(job), delayMs);
    timer.unref();
    timers.set(job.name, timer);
  };

  return {
    register(job) {
      if (jobs.has(job.name)) throw new TypeError(`Job ${job.name} is already registered`);
      jobs.set(job.name, job);
      if (started) schedule(job, job.intervalMs);
    },
    start() {
      if (started) return;
      started = true;
      for (const job of jobs.values()) schedule(job, 0);
    },
    async stop() {
      started = false;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const controller of controllers.values()) controller.abort();
      await Promise.allSettled([...active.values()]);
    },
    running() {
      return [...active.keys()];
    },
    async runOnce(name) {
      const job = jobs.get(name);
      if (!job) throw new TypeError(`Unknown job ${name}`);
      return (await execute(job)).processed;
    },
    wake(name) {
      const job = jobs.get(name);
      if (!job || !started) return;
      if (active.has(name)) {
        woken.add(name);
        return;
      }
      const timer = timers.get(name);
      if (timer) clearTimeout(timer);
      schedule(job, 0);
    },
  };
}
