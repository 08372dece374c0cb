/**
 * What one webhook claim may still take: the claims each endpoint and tenant hold, and the
 * deliveries this claim has taken so far, against the per-endpoint and per-tenant bounds.
 */
export interface ClaimTally {
  /** Delivery ids taken so far, in the order they were taken. */
  readonly taken: readonly string[];
  /** How many more deliveries of `endpointId` (of `tenantId`) the bounds allow. */
  room(endpointId: string, tenantId: string): number;
  take(endpointId: string, tenantId: string, id: string): void;
  /** Gives back a delivery taken earlier (another claim locked it first). */
  giveBack(endpointId: string, tenantId: string, id: string): void;
  /** The ids taken from `endpointId`. */
  takenFrom(endpointId: string): readonly string[];
  /** Endpoints, and tenants, with no room left. */
  full(): { endpoints: string[]; tenants: string[] };
}

export function createClaimTally(
  held: readonly { endpoint_id: string; tenant_id: string }[],
  bounds: { perEndpoint: number; perTenant: number },
): ClaimTally {
  const byEndpoint = new Map<string, number>();
  const byTenant = new Map<string, number>();
  const taken: string[] = [];
  const fromEndpoint = new Map<string, string[]>();
  const add = (endpointId: string, tenantId: string, count: number) => {
    byEndpoint.set(endpointId, (byEndpoint.get(endpointId) ?? 0) + count);
    byTenant.set(tenantId, (byTenant.get(tenantId) ?? 0) + count);
  };
  for (const row of held) add(row.endpoint_id, row.tenant_id, 1);
  return {
    taken,
    room: (endpointId, tenantId) =>
      Math.min(
        bounds.perEndpoint - (byEndpoint.get(endpointId) ?? 0),
        bounds.perTenant - (byTenant.get(tenantId) ?? 0),
      ),
    take(endpointId, tenantId, id) {
      add(endpointId, tenantId, 1);
      taken.push(id);
      fromEndpoint.set(endpointId, [...(fromEndpoint.get(endpointId) ?? []), id]);
    },
    giveBack(endpointId, tenantId, id) {
      add(endpointId, tenantId, -1);
      taken.splice(taken.indexOf(id), 1);
      const ids = fromEndpoint.get(endpointId) ?? [];
      ids.splice(ids.indexOf(id), 1);
    },
    takenFrom: (endpointId) => fromEndpoint.get(endpointId) ?? [],
    full: () => ({
      endpoints: [...byEndpoint].filter(([, count]) => count >= bounds.perEndpoint).map(([id]) => id),
      tenants: [...byTenant].filter(([, count]) => count >= bounds.perTenant).map(([id]) => id),
    }),
  };
}
