import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DataElementRef } from "../model/intent";
import {
  type AmbientClusterStats,
  ambientClusterId,
  ambientPlacement,
  canonicalElements,
  describeAmbientClusters,
  displayNameOf,
  suggestLabel,
} from "./ambient";
import type { Intention } from "./intention-schema";

const ref = (path: string, dataSourceId = "zendesk"): DataElementRef => ({ dataSourceId, path });

function intention(label: string, overrides: Partial<Intention> = {}): Intention {
  return {
    id: `intention_${label}`,
    tenant_id: "acme",
    label,
    display_name: label,
    description: null,
    intent_class: "write",
    status: "active",
    approval_required: false,
    ttl_minutes: 5,
    intent_types: ["support.send_response"],
    data_elements: [],
    created_at: "2026-04-20T10:00:00Z",
    updated_at: "2026-04-20T10:00:00Z",
    ...overrides,
  };
}

function stats(overrides: Partial<AmbientClusterStats> = {}): AmbientClusterStats {
  return {
    id: "amb_0123456789abcdef",
    domain: "support",
    type: "support.send_response",
    dataElements: [{ data_source_id: "zendesk", path: "Ticket.Body" }],
    count: 3,
    agents: ["support-agent"],
    firstSeenAt: "2026-04-20T10:00:00.000Z",
    lastSeenAt: "2026-04-20T11:00:00.000Z",
    ...overrides,
  };
}

describe("canonicalElements", () => {
  it("sorts by data source then path and drops duplicates when elements repeat", () => {
    expect(canonicalElements([ref("B"), ref("A", "z"), ref("A"), ref("B")])).toEqual([
      { data_source_id: "z", path: "A" },
      { data_source_id: "zendesk", path: "A" },
      { data_source_id: "zendesk", path: "B" },
    ]);
  });

  it("gives the same set for any order or repetition of the same elements", () => {
    const element = fc.record({
      dataSourceId: fc.constantFrom("a", "b", "crm"),
      path: fc.constantFrom("X", "Y.Z", "a|b"),
    });
    const refsAndPermutation = fc
      .array(element, { maxLength: 8 })
      .chain((refs) =>
        fc.tuple(fc.constant(refs), fc.shuffledSubarray([...refs, ...refs], { minLength: refs.length * 2 })),
      );
    fc.assert(
      fc.property(refsAndPermutation, ([refs, permuted]) => {
        expect(canonicalElements(permuted)).toEqual(canonicalElements(refs));
      }),
    );
  });
});

describe("ambientPlacement", () => {
  const intent = {
    intention: "ambient",
    domain: "support",
    type: "support.send_response",
    dataElements: [ref("Ticket.Body"), ref("Customer.Email")],
  };

  it("places an ambient intent in a stable amb_ cluster whatever the element order", () => {
    const a = ambientPlacement(intent);
    const b = ambientPlacement({ ...intent, dataElements: [...intent.dataElements].reverse() });
    expect(a?.clusterId).toMatch(/^amb_[0-9a-f]{16}$/);
    expect(b).toEqual(a);
    expect(a?.elementsKey).toBe(
      '[{"data_source_id":"zendesk","path":"Customer.Email"},{"data_source_id":"zendesk","path":"Ticket.Body"}]',
    );
  });

  it("separates clusters when the domain, type or element set differs", () => {
    const ids = new Set(
      [
        intent,
        { ...intent, type: "support.create_ticket" },
        { ...intent, dataElements: [ref("Ticket.Body")] },
        { ...intent, dataElements: [] },
      ].map((i) => ambientPlacement(i)?.clusterId),
    );
    expect(ids.size).toBe(4);
    expect(ambientClusterId("support", "support.send_response", "[]")).toBe(
      ambientPlacement({ ...intent, dataElements: [] })?.clusterId,
    );
  });

  it("gives the same id after many distinct clusters have been seen", () => {
    const first = ambientClusterId("support", "support.send_response", "[]");
    for (let i = 0; i < 5000; i++) ambientClusterId("support", `support.type_${i}`, "[]");
    expect(ambientClusterId("support", "support.send_response", "[]")).toBe(first);
  });

  it("returns null when the intent matched an intention", () => {
    expect(ambientPlacement({ ...intent, intention: "customer_support_lookup" })).toBeNull();
  });
});

describe("suggestLabel", () => {
  it("turns the type into a snake_case label when nothing takes it", () => {
    expect(suggestLabel("support.send_response", new Set())).toBe("support_send_response");
  });

  it("adds the first free numeric suffix when the label is taken", () => {
    const taken = new Set(["support_send_response", "support_send_response_2"]);
    expect(suggestLabel("support.send_response", taken)).toBe("support_send_response_3");
  });

  it("stays a valid label when the type is very long", () => {
    const type = `support.${"x".repeat(150)}`;
    const label = suggestLabel(type, new Set([suggestLabel(type, new Set())]));
    expect(label).toMatch(/^[a-z][a-z0-9_]{0,99}$/);
  });
});

describe("displayNameOf", () => {
  it("title-cases the words of the type when asked for a display name", () => {
    expect(displayNameOf("support.send_response")).toBe("Support Send Response");
  });
});

describe("describeAmbientClusters", () => {
  it("suggests a draft covering exactly what the cluster touched when no intention covers it", () => {
    const [cluster] = describeAmbientClusters([stats()], { intentClassOf: () => "write", intentions: [] });
    expect(cluster).toEqual({
      id: "amb_0123456789abcdef",
      domain: "support",
      intent_type: "support.send_response",
      data_elements: [{ data_source_id: "zendesk", path: "Ticket.Body" }],
      count: 3,
      agents: ["support-agent"],
      first_seen_at: "2026-04-20T10:00:00.000Z",
      last_seen_at: "2026-04-20T11:00:00.000Z",
      covered_by: null,
      suggested: {
        label: "support_send_response",
        display_name: "Support Send Response",
        description:
          "Drafted from ambient cluster amb_0123456789abcdef: 3 intents of support.send_response by support-agent",
        intent_class: "write",
        intent_types: ["support.send_response"],
        data_elements: [{ data_source_id: "zendesk", path: "Ticket.Body" }],
      },
    });
  });

  it("names the active intention that now covers the traffic when one does", () => {
    const covering = intention("support_replies", {
      data_elements: [{ data_source_id: "zendesk", path: "Ticket.Body" }],
    });
    const draft = intention("support_send_response", { status: "draft" });
    const [cluster] = describeAmbientClusters([stats()], {
      intentClassOf: () => "write",
      intentions: [covering, draft],
    });
    expect(cluster?.covered_by).toBe("support_replies");
    expect(cluster?.suggested.label).toBe("support_send_response_2");
  });

  it("asks the catalog for each cluster's intent class", () => {
    const clusters = describeAmbientClusters(
      [stats(), stats({ id: "amb_fedcba9876543210", type: "support.auto_categorize" })],
      {
        intentClassOf: (type) => (type === "support.auto_categorize" ? "analysis" : "write"),
        intentions: [],
      },
    );
    expect(clusters.map((c) => c.suggested.intent_class)).toEqual(["write", "analysis"]);
  });

  it("shortens the agent list in the description when many agents share a cluster", () => {
    const [cluster] = describeAmbientClusters([stats({ count: 1, agents: ["a", "b", "c", "d", "e"] })], {
      intentClassOf: () => "write",
      intentions: [],
    });
    expect(cluster?.suggested.description).toMatch(
      /1 intent of support\.send_response by a, b, c and 2 more$/,
    );
  });
});
