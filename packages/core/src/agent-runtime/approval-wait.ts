import type { GovernanceBackend, IntentStatusReport } from "./governance-backend";

/** How long and how often an agent polls for a human decision. */
export interface WaitOptions {
  /** Give up after this long (the intent stays pending). Default 15 minutes. */
  timeoutMs?: number;
  /** First delay between polls. Default 1 s. */
  pollIntervalMs?: number;
  /** Delays double up to this cap. Default 30 s. */
  maxPollIntervalMs?: number;
}

export const DEFAULT_WAIT_OPTIONS: Readonly<Required<WaitOptions>> = {
  timeoutMs: 15 * 60_000,
  pollIntervalMs: 1_000,
  maxPollIntervalMs: 30_000,
};

/**
 * The wait options in force: later layers override earlier ones, over DEFAULT_WAIT_OPTIONS.
 * A member set to `undefined` (an optional config value left unset) keeps the layer below:
 * spreading it would put `undefined` in force, and a missing timeout made the agent poll forever.
 * Throws a TypeError for a value that is not a number ≥ 0 (Infinity waits forever).
 * @example resolveWaitOptions(agentDefaults, { timeoutMs: 60_000 })
 */
export function resolveWaitOptions(...layers: (WaitOptions | undefined)[]): Required<WaitOptions> {
  const settings = { ...DEFAULT_WAIT_OPTIONS };
  for (const layer of layers) {
    for (const key of WAIT_OPTION_KEYS) {
      const value = layer?.[key];
      if (value === undefined) continue;
      if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
        throw new TypeError(
          `waitForApproval.${key} must be a number of milliseconds ≥ 0, got ${String(value)}`,
        );
      }
      settings[key] = value;
    }
  }
  return settings;
}

/** setTimeout fires at once for a delay above 2^31 - 1 ms, which would turn a long wait into a busy loop. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const WAIT_OPTION_KEYS = ["timeoutMs", "pollIntervalMs", "maxPollIntervalMs"] as const;

export type WaitOutcome =
  | { kind: "decided"; report: IntentStatusReport }
  | { kind: "timeout"; report: IntentStatusReport };

/**
 * Poll the backend until the intent leaves `pending` or the timeout passes, doubling the
 * delay each time. Rejects with `signal.reason` when the signal aborts. The timeout is measured
 * on `now`, by default a monotonic clock: with the wall clock, a step back (NTP) kept the agent
 * polling for the length of the step, and a step forward gave up early.
 */
export async function waitForDecision(
  backend: GovernanceBackend,
  intentId: string,
  options: WaitOptions = {},
  signal?: AbortSignal,
  now: () => number = () => performance.now(),
): Promise<WaitOutcome> {
  const settings = resolveWaitOptions(options);
  const deadline = now() + settings.timeoutMs;
  const delays = pollDelays(settings);
  for (;;) {
    signal?.throwIfAborted();
    const report = await backend.getStatus(intentId, { signal });
    if (report.status !== "pending") return { kind: "decided", report };
    const remaining = deadline - now();
    if (remaining <= 0) return { kind: "timeout", report };
    await sleep(Math.min(delays.next().value, remaining, MAX_TIMER_MS), signal);
  }
}

/** The delays between polls: the first interval, doubling up to the cap, forever. */
export function* pollDelays(
  options: Pick<WaitOptions, "pollIntervalMs" | "maxPollIntervalMs"> = {},
): Generator<number, never> {
  const first = Math.max(1, options.pollIntervalMs ?? DEFAULT_WAIT_OPTIONS.pollIntervalMs);
  const cap = Math.max(first, options.maxPollIntervalMs ?? DEFAULT_WAIT_OPTIONS.maxPollIntervalMs);
  for (let delay = first; ; delay = Math.min(delay * 2, cap)) yield delay;
}

/** setTimeout as a promise that rejects with the signal's reason on abort. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
