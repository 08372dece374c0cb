import { describe, expect, it } from "vitest";
import { createClaimTally } from "./claim-tally";

describe("claim tally", () => {
  it("leaves each endpoint and tenant the room its bound and the claims held allow", () => {
    const tally = createClaimTally(
      [
        { endpoint_id: "e1", tenant_id: "t1" },
        { endpoint_id: "e1", tenant_id: "t1" },
        { endpoint_id: "e2", tenant_id: "t1" },
      ],
      { perEndpoint: 2, perTenant: 4 },
    );
    expect(tally.room("e1", "t1")).toBe(0);
    expect(tally.room("e2", "t1")).toBe(1);
    expect(tally.room("e3", "t2")).toBe(2);
    tally.take("e3", "t1", "d1");
    // The tenant's bound now binds before the endpoint's.
    expect(tally.room("e4", "t1")).toBe(0);
    expect(tally.full()).toEqual({ endpoints: ["e1"], tenants: ["t1"] });
  });

  it("gives a delivery back to its endpoint and tenant, and forgets it", () => {
    const tally = createClaimTally([], { perEndpoint: 2, perTenant: 8 });
    tally.take("e1", "t1", "d1");
    tally.take("e1", "t1", "d2");
    tally.take("e2", "t1", "d3");
    expect(tally.room("e1", "t1")).toBe(0);
    tally.giveBack("e1", "t1", "d1");
    expect(tally.room("e1", "t1")).toBe(1);
    expect(tally.taken).toEqual(["d2", "d3"]);
    expect(tally.takenFrom("e1")).toEqual(["d2"]);
    expect(tally.takenFrom("e9")).toEqual([]);
    expect(tally.full()).toEqual({ endpoints: [], tenants: [] });
  });
});
