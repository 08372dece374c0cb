import { describe, expect, it } from "vitest";
import { isId } from "../ids";
import type { IntentionInput } from "../intentions/intention-schema";
import type { IntentTokenContext } from "./governor-types";
import {
  admin,
  agentKey,
  approver,
  createHarness,
  outsider,
  registerBillingAgent,
  START,
  TENANT,
} from "./test-fixtures";

const statementLookup: IntentionInput = {
  label: "statement_lookup",
  intent_class: "reporting",
  intent_types: ["billing.generate_statement"],
  data_elements: [
    { data_source_id: "stripe", path: "Customer.Name" },
    { data_source_id: "stripe", path: "Invoice.Total" },
  ],
};

/** A low-risk reporting intent: a T0 agent gets it allowed without a human. */
const statementRequest = {
  type: "billing.generate_statement",
  agentId: "billing-agent",
  params: { customerId: "cust_123" },
  dataElements: [{ dataSourceId: "stripe", path: "Customer.Name" }],
};

/** A minter that records what it was given and returns a recognisable token. */
function recordingMinter() {
  const calls: IntentTokenContext[] = [];
  const mint = async (context: IntentTokenContext) => {
    calls.push(context);
    return `token-for-${context.intent.id}`;
  };
  return { calls, mint };
}

async function auditTypes(governor: ReturnType<typeof createHarness>["governor"]) {
  const page = await governor.queryAudit(TENANT, {}, { pageSize: 100 });
  return page.items.map((event) => event.eventType);
}

describe("governor intentions", () => {
  it("creates a draft with defaults filled in and audits it when the input is valid", async () => {
    const { governor } = createHarness();
    const created = await governor.createIntention(admin, statementLookup);
    expect(isId("intention", created.id)).toBe(true);
    expect(created).toMatchObject({
      tenant_id: TENANT,
      label: "statement_lookup",
      display_name: "Statement Lookup",
      description: null,
      status: "draft",
      approval_required: false,
      ttl_minutes: 5,
      created_at: new Date(START).toISOString(),
    });
    const [event] = (await governor.queryAudit(TENANT, { eventType: "intention.created" })).items;
    expect(event?.data).toMatchObject({ intentionId: created.id, intention: { label: "statement_lookup" } });
    expect(event?.actor).toBe(admin.id);
  });

  it("answers CONFLICT when the tenant already uses the label", async () => {
    const { governor } = createHarness();
    await governor.createIntention(admin, statementLookup);
    await expect(governor.createIntention(admin, statementLookup)).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(governor.createIntention(outsider, statementLookup)).resolves.toMatchObject({
      tenant_id: outsider.tenantId,
    });
  });

  it("answers VALIDATION_ERROR when the intent class is unknown or a field is malformed", async () => {
    const { governor } = createHarness();
    const bad = { ...statementLookup, intent_class: "delete" } as unknown as IntentionInput;
    await expect(governor.createIntention(admin, bad)).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [expect.objectContaining({ path: ["intent_class"] })],
    });
    await expect(
      governor.createIntention(admin, { ...statementLookup, label: "Not A Label", ttl_minutes: 0 }),
    ).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it("changes only the given fields of a draft and audits the change", async () => {
    const { governor, advance } = createHarness();
    const draft = await governor.createIntention(admin, { ...statementLookup, description: "old" });
    advance(1000);
    const updated = await governor.updateIntention(admin, draft.id, { ttl_minutes: 15, description: null });
    expect(updated).toMatchObject({ ttl_minutes: 15, description: null, label: "statement_lookup" });
    expect(updated.updated_at).toBe(new Date(START + 1000).toISOString());
    expect(await governor.getIntention(TENANT, draft.id)).toEqual(updated);
    const [event] = (await governor.queryAudit(TENANT, { eventType: "intention.updated" })).items;
    expect(event?.data).toEqual({
      intentionId: draft.id,
      label: "statement_lookup",
      changes: { ttl_minutes: 15, description: null },
    });
  });

  it("writes nothing when a patch gives no field", async () => {
    const { governor } = createHarness();
    const draft = await governor.createIntention(admin, statementLookup);
    expect(await governor.updateIntention(admin, draft.id, {})).toEqual(draft);
    expect(await auditTypes(governor)).not.toContain("intention.updated");
  });

  it("refuses with INVALID_STATE to change an intention that is no longer a draft", async () => {
    const { governor } = createHarness();
    const draft = await governor.createIntention(admin, statementLookup);
    await governor.publishIntention(admin, draft.id);
    await expect(governor.updateIntention(admin, draft.id, { ttl_minutes: 9 })).rejects.toMatchObject({
      code: "INVALID_STATE",
      message: "Only a draft intention can change; statement_lookup is active",
    });
  });

  it("answers CONFLICT when a draft is renamed to a label in use", async () => {
    const { governor } = createHarness();
    await governor.createIntention(admin, statementLookup);
    const other = await governor.createIntention(admin, { ...statementLookup, label: "other_lookup" });
    await expect(
      governor.updateIntention(admin, other.id, { label: "statement_lookup" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("matches the very next evaluation when a draft is published", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const draft = await governor.createIntention(admin, statementLookup);
    const before = await governor.submit(agentKey, statementRequest);
    expect(before.intent.intention).toBe("ambient");

    const published = await governor.publishIntention(admin, draft.id);
    expect(published.status).toBe("active");
    const after = await governor.submit(agentKey, statementRequest);
    expect(after.intent.intention).toBe("statement_lookup");
    expect(after.intent.decision.intention).toBe("statement_lookup");
    expect(await auditTypes(governor)).toContain("intention.published");
  });

  it("stops matching when an active intention is archived", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const draft = await governor.createIntention(admin, statementLookup);
    await governor.publishIntention(admin, draft.id);
    const archived = await governor.archiveIntention(admin, draft.id);
    expect(archived.status).toBe("archived");
    const { intent } = await governor.submit(agentKey, {
      ...statementRequest,
      intention: "statement_lookup",
    });
    expect(intent.intention).toBe("ambient");
    const [event] = (await governor.queryAudit(TENANT, { eventType: "intention.archived" })).items;
    expect(event?.data).toMatchObject({ from: "active", to: "archived" });
  });

  it("refuses with INVALID_STATE to publish or archive from the wrong status", async () => {
    const { governor } = createHarness();
    const draft = await governor.createIntention(admin, statementLookup);
    await governor.publishIntention(admin, draft.id);
    await expect(governor.publishIntention(admin, draft.id)).rejects.toMatchObject({
      code: "INVALID_STATE",
      message: "Intention statement_lookup is active and cannot be published",
    });
    await governor.archiveIntention(admin, draft.id);
    await expect(governor.archiveIntention(admin, draft.id)).rejects.toMatchObject({ code: "INVALID_STATE" });
    await expect(governor.publishIntention(admin, draft.id)).rejects.toMatchObject({ code: "INVALID_STATE" });
  });

  it("answers NOT_FOUND for another tenant's intention", async () => {
    const { governor } = createHarness();
    const draft = await governor.createIntention(admin, statementLookup);
    await expect(governor.getIntention(outsider.tenantId, draft.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(governor.publishIntention(outsider, draft.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(governor.updateIntention(outsider, draft.id, { ttl_minutes: 2 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await governor.getIntention(TENANT, draft.id)).status).toBe("draft");
    expect(await governor.listIntentions(outsider.tenantId)).toEqual([]);
  });

  it("records the ambient cluster a generalized intention came from", async () => {
    const { governor } = createHarness();
    await governor.createIntention(admin, statementLookup, { ambientClusterId: "amb_0123456789abcdef" });
    const [event] = (await governor.queryAudit(TENANT, { eventType: "intention.created" })).items;
    expect(event?.data).toMatchObject({ origin: { ambientClusterId: "amb_0123456789abcdef" } });
  });
});

describe("governor intent tokens", () => {
  async function withActiveIntention(input: IntentionInput, minter = recordingMinter()) {
    const harness = createHarness({ mintIntentToken: minter.mint });
    await registerBillingAgent(harness.governor);
    const draft = await harness.governor.createIntention(admin, input);
    await harness.governor.publishIntention(admin, draft.id);
    return { ...harness, minter };
  }

  it("mints inside the submission and puts the token on the intent and its intent.approved event when auto-approved", async () => {
    const { governor, minter, notified } = await withActiveIntention(statementLookup);
    const { intent } = await governor.submit(agentKey, statementRequest);
    expect(intent.status).toBe("approved");
    expect(intent.intentToken).toBe(`token-for-${intent.id}`);
    expect(minter.calls).toHaveLength(1);
    expect(minter.calls[0]).toMatchObject({
      intent: { id: intent.id, agentId: "billing-agent", intention: "statement_lookup" },
      intention: { label: "statement_lookup", status: "active", ttl_minutes: 5 },
      now: START,
    });
    expect((await governor.getIntent(TENANT, intent.id)).intent.intentToken).toBe(intent.intentToken);
    const approved = notified.find((e) => e.event === "intent.approved");
    expect(approved?.data).toMatchObject({ intentId: intent.id, intentToken: intent.intentToken });
    const [submitted] = (await governor.queryAudit(TENANT, { eventType: "intent.submitted" })).items;
    expect(submitted?.data).toMatchObject({ decision: { tokenIssued: true, status: "approved" } });
    expect(JSON.stringify(submitted?.data)).not.toContain(intent.intentToken);
  });

  it("mints nothing when the intent is ambient", async () => {
    const { governor, minter } = await withActiveIntention(statementLookup);
    const { intent } = await governor.submit(agentKey, {
      ...statementRequest,
      dataElements: [{ dataSourceId: "stripe", path: "Card.Number" }],
    });
    expect(intent).toMatchObject({ status: "approved", intention: "ambient" });
    expect(intent.intentToken).toBeUndefined();
    expect(minter.calls).toHaveLength(0);
  });

  it("mints when a human approves an intent that approval_required sent to them", async () => {
    const { governor, minter, notified, advance } = await withActiveIntention({
      ...statementLookup,
      approval_required: true,
    });
    const submitted = await governor.submit(agentKey, statementRequest);
    expect(submitted.intent.status).toBe("pending");
    expect(minter.calls).toHaveLength(0);
    advance(60_000);
    const { intent } = await governor.approve(approver, submitted.approval?.id ?? "");
    expect(intent.intentToken).toBe(`token-for-${intent.id}`);
    expect(minter.calls[0]?.now).toBe(START + 60_000);
    expect((await governor.getIntent(TENANT, intent.id)).intent.intentToken).toBe(intent.intentToken);
    const approved = notified.find((e) => e.event === "intent.approved");
    expect(approved?.data).toMatchObject({
      approvedBy: "key_alice",
      approvedByName: "alice",
      intentToken: intent.intentToken,
    });
  });

  it("approves without a token when the intention was archived before the human approved", async () => {
    const { governor, minter } = await withActiveIntention({ ...statementLookup, approval_required: true });
    const submitted = await governor.submit(agentKey, statementRequest);
    const [intention] = await governor.listIntentions(TENANT);
    await governor.archiveIntention(admin, intention?.id ?? "");
    const { intent } = await governor.approve(approver, submitted.approval?.id ?? "");
    expect(intent.status).toBe("approved");
    expect(intent.intentToken).toBeUndefined();
    expect(minter.calls).toHaveLength(0);
  });

  it("rolls the approval back when the minter throws", async () => {
    const failing = {
      calls: [],
      mint: async () => {
        throw new Error("signing key unavailable");
      },
    };
    const { governor } = await withActiveIntention({ ...statementLookup, approval_required: true }, failing);
    const submitted = await governor.submit(agentKey, statementRequest);
    const approvalId = submitted.approval?.id ?? "";
    await expect(governor.approve(approver, approvalId)).rejects.toThrow("signing key unavailable");
    expect((await governor.getApproval(TENANT, approvalId)).status).toBe("pending");
    expect((await governor.getIntent(TENANT, submitted.intent.id)).intent.status).toBe("pending");
  });

  it("stores no token when no minter is configured", async () => {
    const { governor } = createHarness();
    await registerBillingAgent(governor);
    const draft = await governor.createIntention(admin, statementLookup);
    await governor.publishIntention(admin, draft.id);
    const { intent } = await governor.submit(agentKey, statementRequest);
    expect(intent).toMatchObject({ status: "approved", intention: "statement_lookup" });
    expect(intent.intentToken).toBeUndefined();
  });
});

describe("intention types", () => {
  it("refuses types and domain globs the catalog does not know, on create and on update", async () => {
    const { governor } = createHarness();
    await expect(
      governor.createIntention(admin, {
        label: "typos",
        intent_class: "lookup",
        intent_types: ["billing.generate_statement", "nosuch.thing", "billing.nosuch", "nosuch.*"],
      }),
    ).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
      details: [
        { path: ["intent_types", 1], message: "Unknown intent type: nosuch.thing" },
        { path: ["intent_types", 2], message: "Unknown intent type: billing.nosuch" },
        { path: ["intent_types", 3], message: "Unknown intent type: nosuch.*" },
      ],
    });
    const draft = await governor.createIntention(admin, {
      label: "statements",
      intent_class: "reporting",
      intent_types: ["billing.*"],
    });
    await expect(
      governor.updateIntention(admin, draft.id, { intent_types: ["billing.nosuch"] }),
    ).rejects.toMatchObject({ details: [{ path: ["intent_types", 0] }] });
  });
});
