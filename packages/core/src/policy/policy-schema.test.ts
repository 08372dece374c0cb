import { describe, expect, it } from "vitest";
import { CONDITION_SHAPE_MESSAGE, PolicyInputSchema } from "./policy-schema";

describe("PolicyInputSchema match.params", () => {
  const policy = (params: unknown) => ({ name: "p", effect: "block", match: { params } });

  it.each([
    ["a guessed shape", { amount: { gt: 10_000 } }],
    ["an unknown op", { field: "amount", op: "greater", value: 1 }],
  ])("refuses %s with the shapes a condition may take, at match.params", (_name, params) => {
    const result = PolicyInputSchema.safeParse(policy(params));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["match", "params"],
      message: CONDITION_SHAPE_MESSAGE,
    });
  });

  it("keeps zod's own message when the shape is right and a value is not", () => {
    const result = PolicyInputSchema.safeParse(policy({ all: [] }));
    expect(result.error?.issues[0]).toMatchObject({
      path: ["match", "params", "all"],
      message: expect.stringMatching(/>=1/),
    });
  });

  it("refuses a wrong condition inside all with the same guidance", () => {
    const result = PolicyInputSchema.safeParse(
      policy({ all: [{ field: "amount", op: "gt", value: 1 }, { currency: "USD" }] }),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(CONDITION_SHAPE_MESSAGE);
  });

  it("accepts comparisons combined with all, any and not", () => {
    const params = {
      all: [
        { field: "amount", op: "gt", value: 10_000 },
        {
          any: [
            { field: "currency", op: "in", value: ["EUR", "GBP"] },
            { not: { field: "customer.vip", op: "exists" } },
          ],
        },
      ],
    };
    expect(PolicyInputSchema.safeParse(policy(params)).success).toBe(true);
  });
});
