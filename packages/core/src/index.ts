/**
 * @intendedops/core — the governance engine. Each area's index lists what it exports.
 */

export * from "./agent-runtime/index";
export * from "./audit/index";
export * from "./catalog/index";
export * from "./errors";
export * from "./governor/index";
export * from "./ids";
export * from "./intentions/index";
export * from "./metrics/index";
export * from "./model/index";
export * from "./policy/index";
export * from "./sha256";
export * from "./storage/index";
export * from "./trust/index";
export * from "./validation/index";
export * from "./value/index";
export * from "./webhooks/index";
