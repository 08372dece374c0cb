export * from "./intention-schema";
