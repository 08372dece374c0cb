import { describe, expect, it } from "vitest";
import { allowsIntentType, InboundReportSchema } from "./inbound-receiver";

describe("allowsIntentType", () => {
  it("allows any type when no patterns are set", () => {
    expect(allowsIntentType([], "billing.send_invoice")).toBe(true);
  });

  it("matches exact types, domain patterns and * when patterns are set", () => {
    expect(allowsIntentType(["contracts.send_for_signature"], "contracts.send_for_signature")).toBe(true);
    expect(allowsIntentType(["contracts.*"], "contracts.auto_renew")).toBe(true);
    expect(allowsIntentType(["*"], "billing.send_invoice")).toBe(true);
  });

  it("refuses other types and look-alike domains when patterns are set", () => {
    expect(allowsIntentType(["contracts.*"], "billing.send_invoice")).toBe(false);
    expect(allowsIntentType(["contracts.*"], "contractsx.auto_renew")).toBe(false);
    expect(allowsIntentType(["contracts.send_for_signature"], "contracts.auto_renew")).toBe(false);
  });
});

describe("InboundReportSchema", () => {
  it("accepts a completion with a result and a failure with an error", () => {
    expect(
      InboundReportSchema.safeParse({ intentId: "int_1", outcome: "completed", result: { a: 1 } }).success,
    ).toBe(true);
    expect(
      InboundReportSchema.safeParse({ intentId: "int_1", outcome: "failed", error: "declined" }).success,
    ).toBe(true);
  });

  it("refuses an unknown outcome, a failure without an error and a missing intent id", () => {
    expect(InboundReportSchema.safeParse({ intentId: "int_1", outcome: "done" }).success).toBe(false);
    expect(InboundReportSchema.safeParse({ intentId: "int_1", outcome: "failed" }).success).toBe(false);
    expect(InboundReportSchema.safeParse({ outcome: "completed" }).success).toBe(false);
  });
});
