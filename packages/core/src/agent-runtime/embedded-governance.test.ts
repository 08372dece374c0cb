import { describe, expect, it } from "vitest";
import type { Approval } from "../model/approval";
import type { Decision } from "../model/decision";
import { statusReport } from "./embedded-governance";

const decision = { reasons: ["Trust tier T0 requires approval for medium risk"] } as Decision;
const approval = (fields: Partial<Approval>) =>
  ({ decidedBy: null, decidedByName: null, rejectionReason: null, expiresAt: null, ...fields }) as Approval;

describe("statusReport", () => {
  it("gives the human's reason and name when the intent was rejected", () => {
    const report = statusReport(
      { status: "rejected", decision },
      approval({ decidedBy: "user_1", decidedByName: "Alice", rejectionReason: "Too much" }),
    );
    expect(report).toEqual({ status: "rejected", reasons: ["Too much"], decidedBy: "Alice" });
  });

  it("names the rejecter when no reason was given", () => {
    const report = statusReport({ status: "rejected", decision }, approval({ decidedBy: "user_1" }));
    expect(report.reasons).toEqual(["Rejected by user_1"]);
  });

  it("notes the expiry time when the approval expired", () => {
    const report = statusReport(
      { status: "expired", decision },
      approval({ expiresAt: "2026-01-18T10:00:00.000Z" }),
    );
    expect(report.reasons).toEqual(["Approval expired at 2026-01-18T10:00:00.000Z without a decision"]);
  });

  it("passes the decision's reasons through when the intent is pending or approved", () => {
    expect(statusReport({ status: "pending", decision }, approval({}))).toEqual({
      status: "pending",
      reasons: decision.reasons,
      decidedBy: null,
    });
    expect(
      statusReport({ status: "approved", decision }, approval({ decidedBy: "u", decidedByName: "Bo" }))
        .decidedBy,
    ).toBe("Bo");
  });
});
