import { describe, expect, it } from "vitest";
import { admin, agentKey, createHarness, registerBillingAgent, TENANT } from "./test-fixtures";

/**
 * Every request body refuses fields it does not know. A misspelled field used to be dropped,
 * and each case below shows what that dropped silently: a data-element restriction, a policy's
 * match, an intention's approval requirement.
 */
describe("request bodies", () => {
  const invoice = {
    type: "billing.send_invoice",
    agentId: "billing-agent",
    params: { customerId: "c", amount: 5 },
  };

  it("refuses a snake_case dataElements on an intent, naming the field, and stores nothing", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const submitted = governor.submit(agentKey, {
      ...invoice,
      data_elements: [{ data_source_id: "stripe", path: "Customer.Name" }],
    } as never);
    await expect(submitted).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      message: "data_elements: Unknown field",
      details: [{ path: ["data_elements"], message: "Unknown field" }],
    });
    expect((await governor.listIntents(TENANT)).total).toBe(0);
  });

  it("refuses camelCase keys inside an intent's data elements", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    await expect(
      governor.submit(agentKey, {
        ...invoice,
        dataElements: [{ dataSourceId: "stripe", path: "Customer.Name", data_source_id: "x" }],
      } as never),
    ).rejects.toMatchObject({ details: [{ path: ["dataElements", 0, "data_source_id"] }] });
  });

  it("refuses a data element longer than an intention could allow, so every cluster can be generalized", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const longPath = "a".repeat(501);
    await expect(
      governor.submit(agentKey, { ...invoice, dataElements: [{ dataSourceId: "stripe", path: longPath }] }),
    ).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["dataElements", 0, "path"], message: "path must be at most 500 characters" }],
    });
    await expect(
      governor.submit(agentKey, {
        ...invoice,
        dataElements: [{ dataSourceId: "s".repeat(201), path: "Customer.Name" }],
      }),
    ).rejects.toMatchObject({ details: [{ path: ["dataElements", 0, "dataSourceId"] }] });
    expect((await governor.listIntents(TENANT)).total).toBe(0);
    // At the limits, the intent is taken, and an intention may allow exactly that element.
    const atLimit = { dataSourceId: "s".repeat(200), path: "a".repeat(500) };
    await expect(governor.submit(agentKey, { ...invoice, dataElements: [atLimit] })).resolves.toBeDefined();
    await expect(
      governor.createIntention(admin, {
        label: "long_elements",
        intent_class: "write",
        intent_types: ["billing.send_invoice"],
        data_elements: [{ data_source_id: atLimit.dataSourceId, path: atLimit.path }],
      }),
    ).resolves.toMatchObject({ status: "draft" });
  });

  it("refuses a match list longer than 1,000 entries or with an entry over 200 characters", async () => {
    const { governor } = createHarness();
    const policy = (match: Record<string, unknown>) =>
      governor.createPolicy(admin, { name: "Wide", effect: "block", match });
    const many = Array.from({ length: 1_001 }, (_, i) => `billing.type_${i}`);
    await expect(policy({ types: many })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: ["match", "types"], message: "types may list at most 1000 entries" }],
    });
    await expect(policy({ agentIds: ["a".repeat(201)] })).rejects.toMatchObject({
      details: [{ path: ["match", "agentIds", 0] }],
    });
    expect(await governor.listPolicies(TENANT)).toHaveLength(0);
    await expect(policy({ types: many.slice(0, 1_000) })).resolves.toMatchObject({ version: 1 });
  });

  it("refuses a policy whose match misspells a field instead of matching every intent", async () => {
    const { governor } = createHarness();
    await expect(
      governor.createPolicy(admin, {
        name: "Block invoices",
        effect: "block",
        match: { type: ["billing.send_invoice"] },
      } as never),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: ["match", "type"] }] });
    expect(await governor.listPolicies(TENANT)).toHaveLength(0);
  });

  it("refuses unknown keys in a policy's conditions and approval settings", async () => {
    const { governor } = createHarness();
    const policy = (extra: object) => ({ name: "p", effect: "require_approval" as const, ...extra });
    await expect(
      governor.createPolicy(
        admin,
        policy({ match: { params: { field: "amount", op: "gt", value: 1, flag: 1 } } }),
      ),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(
      governor.createPolicy(admin, policy({ approval: { approvers: 2, expiresIn: 60 } })),
    ).rejects.toMatchObject({ details: [{ path: ["approval", "expiresIn"], message: "Unknown field" }] });
  });

  it("refuses an intention written in camelCase rather than dropping its approval requirement", async () => {
    const { governor } = createHarness();
    await expect(
      governor.createIntention(admin, {
        label: "refunds",
        intent_class: "write",
        approvalRequired: true,
      } as never),
    ).rejects.toMatchObject({ details: [{ path: ["approvalRequired"], message: "Unknown field" }] });
    await expect(
      governor.createIntention(admin, { label: "x", intent_class: "write", status: "active" } as never),
    ).rejects.toMatchObject({ details: [{ path: ["status"] }] });
    const draft = await governor.createIntention(admin, { label: "refunds", intent_class: "write" });
    await expect(governor.updateIntention(admin, draft.id, { ttlMinutes: 9 } as never)).rejects.toMatchObject(
      {
        details: [{ path: ["ttlMinutes"] }],
      },
    );
  });

  it("accepts a null description on create, as reads return it", async () => {
    const { governor } = createHarness();
    const created = await governor.createIntention(admin, {
      label: "lookup",
      intent_class: "lookup",
      description: null,
    });
    expect(created.description).toBeNull();
  });

  it("says what is wrong with a label: missing, not a string, too long, not snake_case", async () => {
    const { governor } = createHarness();
    const message = async (label: unknown) =>
      governor
        .createIntention(admin, { label, intent_class: "lookup" } as never)
        .catch((error) => error.message);
    expect(await message(undefined)).toBe("label: label is required");
    expect(await message(123)).toBe("label: label must be a string");
    expect(await message(`a${"b".repeat(100)}`)).toBe("label: label must be at most 100 characters");
    expect(await message("Bad Label")).toBe(
      "label: label must be snake_case (a-z, 0-9, _), starting with a letter",
    );
  });

  it("says a field is too long, not missing, when a required string passes its limit", async () => {
    const { governor } = createHarness();
    const tooLong = (n: number) => "x".repeat(n + 1);
    const messageOf = (promise: Promise<unknown>) => promise.catch((error: Error) => error.message);
    expect(await messageOf(governor.registerAgent(agentKey, { name: tooLong(200) }))).toBe(
      "name: Agent name must be at most 200 characters",
    );
    expect(await messageOf(governor.createPolicy(admin, { name: tooLong(200), effect: "block" }))).toBe(
      "name: Policy name must be at most 200 characters",
    );
    await registerBillingAgent(governor);
    expect(
      await messageOf(governor.setTrust(admin, "billing-agent", { tier: "T2", reason: tooLong(500) })),
    ).toBe("reason: reason must be at most 500 characters");
  });

  it("refuses unknown fields on agents, outcomes, rejections and trust overrides", async () => {
    const { governor } = createHarness();
    await expect(
      governor.registerAgent(agentKey, { name: "Billing Agent", intent_types: ["billing.*"] } as never),
    ).rejects.toMatchObject({ details: [{ path: ["intent_types"] }] });
    await registerBillingAgent(governor);
    await expect(
      governor.setTrust(admin, "billing-agent", { tier: "T2", reason: "ok", note: "x" } as never),
    ).rejects.toMatchObject({ details: [{ path: ["note"] }] });
  });

  it("refuses unknown keys inside a completion's value, so a misspelled category or a currency is not dropped", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const statement = { ...invoice, type: "billing.generate_statement", params: { customerId: "c" } };
    const { intent } = await governor.submit(agentKey, statement);
    for (const [value, key] of [
      [{ cents: 500, catgory: "revenue" }, "catgory"],
      [{ cents: 500, category: "revenue", currency: "EUR" }, "currency"],
    ] as const) {
      await expect(governor.complete(agentKey, intent.id, { value } as never)).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
        details: [{ path: ["value", key], message: "Unknown field" }],
      });
    }
    // Nothing was recorded: the intent is still waiting for its outcome.
    expect((await governor.getIntent(TENANT, intent.id)).intent.status).toBe("approved");
    expect((await governor.agentMetrics(TENANT, "billing-agent")).valueGeneratedCents).toBe(0);
    const done = await governor.complete(agentKey, intent.id, { value: { cents: 500, category: "revenue" } });
    expect(done).toMatchObject({ valueCents: 500, valueCategory: "revenue" });
  });
});
