// verify-audit-offline.mjs — usage: node verify-audit-offline.mjs events.json [SEQ HASH]
// events.json: a JSON array of one tenant's audit events in seq order. SEQ HASH: an anchor saved
// from an earlier run or verification (its eventCount and headHash); the chain must still hold it.
// Standalone on purpose: no IntendedOps code, only node:crypto, so an auditor can check the chain independently.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

function canonical(value) {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonical(v))).join(",")}]`;
  const members = Object.keys(value)
    .sort()
    .filter((k) => value[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`);
  return `{${members.join(",")}}`;
}

const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest("hex");

const events = JSON.parse(readFileSync(process.argv[2], "utf8"));
const anchor =
  process.argv[3] === undefined ? undefined : { seq: Number(process.argv[3]), hash: process.argv[4] };
if (
  anchor &&
  !(Number.isSafeInteger(anchor.seq) && anchor.seq >= 1 && /^[0-9a-f]{64}$/.test(anchor.hash ?? ""))
) {
  console.error(
    "usage: node verify-audit-offline.mjs events.json [SEQ HASH] (SEQ from 1, HASH 64 hex digits)",
  );
  process.exit(2);
}
const fail = (seq) => {
  console.log(JSON.stringify({ valid: false, eventCount: events.length, firstInvalidSeq: seq }));
  process.exit(1);
};
let prevHash = "0".repeat(64);
for (const [i, e] of events.entries()) {
  const { id, tenantId, seq, eventType, actor, agentId, intentId, data, timestamp } = e;
  const body = canonical({ id, tenantId, seq, eventType, actor, agentId, intentId, data, timestamp });
  const ok =
    seq === i + 1 &&
    e.prevHash === prevHash &&
    e.hash === sha256(prevHash, body) &&
    e.leafHash === sha256(Buffer.from([0]), body);
  if (!ok || (anchor?.seq === seq && anchor.hash !== e.hash)) fail(i + 1);
  prevHash = e.hash;
}
if (anchor && anchor.seq > events.length) fail(events.length + 1);
console.log(JSON.stringify({ valid: true, eventCount: events.length, headHash: prevHash }));
