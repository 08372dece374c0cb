/** The floors `floor-server.ts` can run (see there), in the order the benchmark drives them. */
export const FLOORS = ["http", "validate", "validate-zod"] as const;
export type Floor = (typeof FLOORS)[number];
