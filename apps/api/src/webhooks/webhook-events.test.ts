import { describe, expect, it } from "vitest";
import { payloadBody, subscribes, WEBHOOK_EVENTS } from "./webhook-events";

describe("WEBHOOK_EVENTS", () => {
  it("holds the guide's seven events plus blocked and expired intents", () => {
    expect([...WEBHOOK_EVENTS].sort()).toEqual(
      [
        "intent.submitted",
        "intent.approved",
        "intent.rejected",
        "intent.completed",
        "intent.failed",
        "agent.registered",
        "agent.trust.changed",
        "intent.blocked",
        "intent.expired",
      ].sort(),
    );
  });
});

describe("subscribes", () => {
  it("matches listed events and every event for *", () => {
    expect(subscribes(["intent.approved"], "intent.approved")).toBe(true);
    expect(subscribes(["intent.approved"], "intent.rejected")).toBe(false);
    expect(subscribes(["*"], "agent.trust.changed")).toBe(true);
    expect(subscribes([], "intent.approved")).toBe(false);
  });
});

describe("payloadBody", () => {
  it("serializes the guide's envelope compactly with the keys in the guide's order", () => {
    const body = payloadBody({
      id: "whk_01HN4X7KQZ8Y1A2B3C4D5E6F7G",
      tenantId: "tenant123",
      event: "intent.approved",
      createdAt: "2024-01-15T10:30:00.000Z",
      data: {
        intentId: "int_abc123",
        type: "billing.send_invoice",
        status: "approved",
        approvedBy: "user_456",
      },
    });
    expect(body).toBe(
      '{"id":"whk_01HN4X7KQZ8Y1A2B3C4D5E6F7G","timestamp":"2024-01-15T10:30:00.000Z","tenantId":"tenant123","event":"intent.approved","data":{"intentId":"int_abc123","type":"billing.send_invoice","status":"approved","approvedBy":"user_456"}}',
    );
    expect(JSON.stringify(JSON.parse(body))).toBe(body);
  });
});
