export type * from "./evaluation-types";
export * from "./policy-schema";
