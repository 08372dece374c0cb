import { monotonicFactory } from "ulid";

/** Every id prefix in the system, in one place. */
export const ID_PREFIX = {
  intent: "int",
  approval: "apr",
  webhookEvent: "whk",
  auditEvent: "evt",
  policy: "pol",
  apiKey: "key",
  trustChange: "trc",
  value: "val",
  webhook: "wh",
  delivery: "dlv",
  intention: "intention",
  request: "req",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

/**
 * ulid asks its PRNG once per random character; drawing each one from the OS was a
 * measurable share of a submission, so we hand it values from a pooled CSPRNG buffer.
 */
const POOL_SIZE = 1024;
const pool = new Uint32Array(POOL_SIZE);
let poolIndex = POOL_SIZE;
function pooledRandom(): number {
  if (poolIndex === POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    poolIndex = 0;
  }
  return pool[poolIndex++]! / 0x1_0000_0000;
}

const nextUlid = monotonicFactory(pooledRandom);

/** `prefix_` + a 26-character monotonic ULID, e.g. `int_01HN4X7KQZ8Y1A2B3C4D5E6F7G`. */
export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIX[kind]}_${nextUlid(now)}`;
}

const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `id` is `<prefix of kind>_<ULID>`. */
export function isId(kind: IdKind, id: string): boolean {
  const prefix = `${ID_PREFIX[kind]}_`;
  return id.startsWith(prefix) && ULID_RE.test(id.slice(prefix.length));
}
