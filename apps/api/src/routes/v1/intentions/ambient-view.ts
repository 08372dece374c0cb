import {
  type AmbientCluster,
  type AmbientClusterStats,
  describeAmbientClusters,
  type Intention,
} from "@intendedops/core";
import { createAmbientClusterRepo } from "@intendedops/storage";
import type { Context } from "hono";
import type { AppEnv } from "../../../context";

/** The ambient clusters of the store behind this request (computed on read from the intents table). */
export function ambientClusters(c: Context<AppEnv>) {
  return createAmbientClusterRepo(c.get("store").db);
}

/** Clusters as the API shows them: the catalog's class for each type, coverage and suggestions. */
export function describeClusters(
  c: Context<AppEnv>,
  stats: readonly AmbientClusterStats[],
  intentions: readonly Intention[],
): AmbientCluster[] {
  const catalog = c.get("catalog");
  return describeAmbientClusters(stats, {
    intentClassOf: (type) => catalog.get(type)?.intentClass ?? "other",
    intentions,
  });
}
