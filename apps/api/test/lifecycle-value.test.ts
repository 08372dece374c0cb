import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BILLING_AGENT } from "./support/test-app";
import { type Harness, openHarness } from "./webhooks-support";

/** Value recorded on completion stays integer cents, whatever the type's estimator computes. */
describe("value of completed intents with enormous params", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness("sqlite");
    await h.data("POST", "/v1/agents", {
      body: { ...BILLING_AGENT, intentTypes: ["billing.*"] },
      key: h.agent,
    });
    await h.data("POST", "/v1/policies", {
      body: { name: "allow billing", mode: "enforce", effect: "allow", match: { types: ["billing.*"] } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("caps an estimate beyond integer range instead of recording 1e302 cents", async () => {
    const submitted = await h.data("POST", "/v1/intents", {
      key: h.agent,
      body: {
        type: "billing.update_subscription",
        domain: "billing",
        agentId: "billing-agent",
        params: { subscriptionId: "sub_huge", planId: "plan_max", amountChange: 1e300 },
      },
    });
    expect(submitted.status).toBe("approved");
    const completed = await h.data("POST", `/v1/intents/${submitted.intentId}/complete`, {
      key: h.agent,
      body: {},
    });
    expect(Number.isSafeInteger(completed.valueCents)).toBe(true);
    expect(completed.valueCents).toBe(Number.MAX_SAFE_INTEGER);
    const metrics = await h.data("GET", "/v1/agents/billing-agent/metrics");
    expect(Number.isSafeInteger(metrics.valueGeneratedCents)).toBe(true);
    const stats = await h.data("GET", "/v1/stats");
    expect(stats.valueGenerated).toBe(Number.MAX_SAFE_INTEGER / 100);
  });
});
