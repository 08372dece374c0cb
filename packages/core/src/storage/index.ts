export type * from "./storage-port";
