import type { IntentClass, RiskLevel, TrustTier } from "../src/model/enums";
import type { EvaluationAgent, EvaluationIntent } from "../src/policy/evaluation-types";
import { type Policy, type PolicyInput, PolicySchema } from "../src/policy/policy-schema";

/**
 * A catalog-free benchmark fixture: 50 policies over the seven domains, realistic intent types
 * with precomputed risk levels and several params variants each, and agents at every tier.
 */
export const DOMAINS = [
  "billing",
  "support",
  "sales",
  "compliance",
  "vendors",
  "contracts",
  "identity",
] as const;

interface BenchType {
  type: string;
  risk: RiskLevel;
  intentClass: IntentClass;
  variants: Record<string, unknown>[];
  /** Raises the risk for some params, as the catalog's escalateRisk would. */
  escalate?: (params: Record<string, unknown>) => RiskLevel | undefined;
}

const TYPES: BenchType[] = [
  {
    type: "billing.send_invoice",
    risk: "medium",
    intentClass: "write",
    variants: [
      { customerId: "cust_1", amount: 99, currency: "USD" },
      { customerId: "cust_2", amount: 1500, currency: "USD" },
      { customerId: "cust_3", amount: 500, currency: "EUR" },
    ],
  },
  {
    type: "billing.process_refund",
    risk: "high",
    intentClass: "write",
    variants: [{ amount: 120, reason: "duplicate" }, { amount: 900, reason: "damaged" }, { amount: 15000 }],
    escalate: (p) => ((p.amount as number) > 10_000 ? "critical" : undefined),
  },
  {
    type: "billing.issue_credit",
    risk: "medium",
    intentClass: "write",
    variants: [{ amount: 50 }, { amount: 2500 }],
  },
  {
    type: "billing.collect_payment",
    risk: "medium",
    intentClass: "write",
    variants: [
      { amount: 300, currency: "USD" },
      { amount: 300, currency: "GBP" },
    ],
  },
  {
    type: "billing.cancel_subscription",
    risk: "high",
    intentClass: "write",
    variants: [{ plan: "starter" }, { plan: "enterprise" }],
  },
  {
    type: "billing.update_payment_method",
    risk: "medium",
    intentClass: "write",
    variants: [{ customerId: "cust_1" }],
  },
  { type: "billing.lookup_invoice", risk: "low", intentClass: "lookup", variants: [{ invoiceId: "inv_1" }] },
  {
    type: "support.create_ticket",
    risk: "low",
    intentClass: "write",
    variants: [{ priority: "low" }, { priority: "urgent" }],
  },
  {
    type: "support.escalate_ticket",
    risk: "medium",
    intentClass: "write",
    variants: [{ escalateTo: "tier2" }, { escalateTo: "tier3" }],
  },
  {
    type: "support.close_ticket",
    risk: "low",
    intentClass: "write",
    variants: [{ slaBreached: false }, { slaBreached: true }],
  },
  {
    type: "support.issue_goodwill_credit",
    risk: "medium",
    intentClass: "write",
    variants: [
      { amount: 50, customer: { tier: "standard" } },
      { amount: 400, customer: { tier: "vip" } },
    ],
  },
  {
    type: "support.lookup_customer",
    risk: "low",
    intentClass: "lookup",
    variants: [{ customerId: "cust_1" }],
  },
  {
    type: "sales.create_opportunity",
    risk: "medium",
    intentClass: "write",
    variants: [
      { amount: 50000, stage: "qualification" },
      { amount: 250000, stage: "qualification" },
    ],
  },
  {
    type: "sales.apply_discount",
    risk: "medium",
    intentClass: "write",
    variants: [{ percent: 10 }, { percent: 20 }, { percent: 40 }],
  },
  {
    type: "sales.update_deal_stage",
    risk: "medium",
    intentClass: "write",
    variants: [{ stage: "negotiation" }, { stage: "closed_won" }],
  },
  { type: "sales.create_lead", risk: "low", intentClass: "write", variants: [{ email: "lead@acme.com" }] },
  {
    type: "sales.export_leads",
    risk: "high",
    intentClass: "export",
    variants: [{ destination: "ops@acme.com" }, { destination: "someone@gmail.com" }],
  },
  {
    type: "compliance.process_dsar",
    risk: "high",
    intentClass: "write",
    variants: [
      { requestType: "access", daysToDeadline: 10 },
      { requestType: "deletion", daysToDeadline: 2 },
    ],
  },
  {
    type: "compliance.update_risk_assessment",
    risk: "medium",
    intentClass: "write",
    variants: [{ delta: 5 }, { delta: 30 }],
  },
  {
    type: "compliance.run_control_assessment",
    risk: "low",
    intentClass: "analysis",
    variants: [{ controlId: "ctl_1" }],
  },
  {
    type: "compliance.delete_evidence",
    risk: "critical",
    intentClass: "admin",
    variants: [{ evidenceId: "ev_1" }],
  },
  {
    type: "vendors.onboard_vendor",
    risk: "medium",
    intentClass: "write",
    variants: [
      { annualSpend: 20000, country: "US" },
      { annualSpend: 90000, country: "DE" },
      { annualSpend: 5000, country: "IR" },
    ],
  },
  {
    type: "vendors.terminate_vendor",
    risk: "high",
    intentClass: "write",
    variants: [{ criticality: "low" }, { criticality: "critical" }],
  },
  {
    type: "vendors.update_risk_score",
    risk: "medium",
    intentClass: "write",
    variants: [{ newScore: 70 }, { newScore: 20 }],
  },
  {
    type: "vendors.request_compliance_docs",
    risk: "low",
    intentClass: "lookup",
    variants: [{ vendorId: "ven_1" }],
  },
  {
    type: "contracts.send_for_signature",
    risk: "medium",
    intentClass: "write",
    variants: [
      { value: 50000, reviewedBy: "legal_1" },
      { value: 400000, reviewedBy: "legal_1" },
      { value: 2000000, reviewedBy: "legal_2" },
      { value: 30000 },
    ],
  },
  {
    type: "contracts.auto_renew",
    risk: "high",
    intentClass: "write",
    variants: [{ value: 80000 }, { value: 200000 }, { value: 900000 }],
    escalate: (p) => ((p.value as number) > 500_000 ? "critical" : undefined),
  },
  {
    type: "contracts.terminate_contract",
    risk: "high",
    intentClass: "write",
    variants: [{ contractId: "ctr_1" }],
  },
  {
    type: "contracts.track_obligations",
    risk: "low",
    intentClass: "reporting",
    variants: [{ contractId: "ctr_1" }],
  },
  {
    type: "identity.deprovision_user",
    risk: "high",
    intentClass: "write",
    variants: [
      { userId: "u_1", privileged: false },
      { userId: "u_2", privileged: true },
    ],
    escalate: (p) => (p.privileged === true ? "critical" : undefined),
  },
  {
    type: "identity.assign_role",
    risk: "high",
    intentClass: "write",
    variants: [
      { userId: "u_1", role: "viewer" },
      { userId: "u_1", role: "admin-billing" },
    ],
  },
  {
    type: "identity.rotate_credentials",
    risk: "high",
    intentClass: "write",
    variants: [
      { service: "api", environment: "staging" },
      { service: "api", environment: "production" },
    ],
  },
  {
    type: "identity.initiate_access_review",
    risk: "low",
    intentClass: "reporting",
    variants: [{ reviewType: "quarterly", scope: ["engineering", "finance"] }],
  },
];

const gt = (field: string, value: number) => ({ field, op: "gt" as const, value });
const eq = (field: string, value: unknown) => ({ field, op: "eq" as const, value });

const POLICY_INPUTS: PolicyInput[] = [
  // billing (9)
  {
    name: "Large refunds",
    effect: "require_approval",
    match: { types: ["billing.process_refund"], params: gt("amount", 500) },
    approval: { approvers: 1, expiresInSeconds: 86_400 },
  },
  {
    name: "Huge refunds",
    effect: "block",
    match: { types: ["billing.process_refund"], params: gt("amount", 10_000) },
    reason: "Refunds above $10,000 go through finance",
  },
  {
    name: "Large credits",
    effect: "require_approval",
    match: { types: ["billing.issue_credit"], params: gt("amount", 1000) },
    approval: { approvers: 2 },
  },
  {
    name: "Small invoices",
    effect: "allow",
    match: {
      types: ["billing.send_invoice"],
      tiers: { min: "T1" },
      params: { field: "amount", op: "lte", value: 1000 },
    },
  },
  {
    name: "Exotic currencies",
    effect: "require_approval",
    match: {
      types: ["billing.collect_payment"],
      params: { field: "currency", op: "not_in", value: ["USD", "EUR"] },
    },
  },
  {
    name: "Enterprise cancellations",
    effect: "require_approval",
    match: { types: ["billing.cancel_subscription"], params: eq("plan", "enterprise") },
  },
  {
    name: "Refunds without reason",
    effect: "block",
    mode: "shadow",
    match: { types: ["billing.process_refund"], params: { field: "reason", op: "exists", value: false } },
  },
  {
    name: "Probation billing freeze",
    effect: "block",
    enabled: false,
    match: { domains: ["billing"], tiers: { max: "T0" } },
  },
  {
    name: "Payment methods need T2",
    effect: "block",
    match: { types: ["billing.update_payment_method"], tiers: { max: "T1" } },
  },
  // support (7)
  {
    name: "Goodwill over $200",
    effect: "require_approval",
    match: { types: ["support.issue_goodwill_credit"], params: gt("amount", 200) },
  },
  {
    name: "Tier 3 escalations",
    effect: "require_approval",
    match: { types: ["support.escalate_ticket"], params: eq("escalateTo", "tier3") },
  },
  {
    name: "Customer lookups",
    effect: "allow",
    match: { types: ["support.lookup_customer"], riskLevels: ["low"] },
  },
  {
    name: "SLA-breached closures",
    effect: "block",
    match: { types: ["support.close_ticket"], params: eq("slaBreached", true) },
  },
  {
    name: "Urgent tickets from T2",
    effect: "allow",
    match: {
      types: ["support.create_ticket"],
      tiers: { min: "T2" },
      params: { field: "priority", op: "in", value: ["urgent", "high"] },
    },
  },
  {
    name: "VIP goodwill",
    effect: "require_approval",
    mode: "shadow",
    match: { types: ["support.issue_goodwill_credit"], params: eq("customer.tier", "vip") },
  },
  {
    name: "Support writes at T0",
    effect: "require_approval",
    match: { domains: ["support"], tiers: { max: "T0" }, riskLevels: ["low", "medium"] },
  },
  // sales (7)
  {
    name: "Big opportunities",
    effect: "require_approval",
    match: { types: ["sales.create_opportunity"], params: gt("amount", 100_000) },
  },
  {
    name: "Deep discounts",
    effect: "block",
    match: { types: ["sales.apply_discount"], params: gt("percent", 30) },
  },
  {
    name: "Medium discounts",
    effect: "require_approval",
    match: {
      types: ["sales.apply_discount"],
      params: { all: [gt("percent", 15), { field: "percent", op: "lte", value: 30 }] },
    },
  },
  {
    name: "Closing deals below T3",
    effect: "require_approval",
    match: { types: ["sales.update_deal_stage"], tiers: { max: "T2" }, params: eq("stage", "closed_won") },
  },
  { name: "Lead creation", effect: "allow", match: { types: ["sales.create_lead"] } },
  {
    name: "Leads to personal mail",
    effect: "block",
    match: {
      types: ["sales.export_leads"],
      params: { field: "destination", op: "matches", value: "@gmail\\.com$" },
    },
  },
  {
    name: "High-risk sales",
    effect: "require_approval",
    mode: "shadow",
    match: { domains: ["sales"], riskLevels: ["high"] },
  },
  // compliance (7)
  {
    name: "DSAR deletions",
    effect: "require_approval",
    match: { types: ["compliance.process_dsar"], params: eq("requestType", "deletion") },
    approval: { approvers: 2 },
  },
  {
    name: "DSAR near deadline",
    effect: "require_approval",
    match: { types: ["compliance.process_dsar"], params: { field: "daysToDeadline", op: "lt", value: 3 } },
    approval: { approvers: 1, expiresInSeconds: 3_600 },
  },
  {
    name: "Risk register jumps",
    effect: "require_approval",
    match: {
      types: ["compliance.update_risk_assessment"],
      params: { any: [gt("delta", 20), { field: "delta", op: "lt", value: -20 }] },
    },
  },
  { name: "Control assessments", effect: "allow", match: { types: ["compliance.run_control_assessment"] } },
  { name: "Evidence is immutable", effect: "block", match: { types: ["compliance.delete_evidence"] } },
  {
    name: "Compliance at T0",
    effect: "require_approval",
    match: { domains: ["compliance"], tiers: { max: "T0" } },
  },
  {
    name: "Sensitive DSAR kinds",
    effect: "block",
    mode: "shadow",
    match: {
      types: ["compliance.process_dsar"],
      params: { field: "requestType", op: "in", value: ["deletion", "rectification"] },
    },
  },
  // vendors (7)
  {
    name: "Critical vendor exits",
    effect: "block",
    match: { types: ["vendors.terminate_vendor"], params: eq("criticality", "critical") },
  },
  { name: "Vendor exits", effect: "require_approval", match: { types: ["vendors.terminate_vendor"] } },
  {
    name: "Big vendor spend",
    effect: "require_approval",
    match: { types: ["vendors.onboard_vendor"], params: gt("annualSpend", 50_000) },
  },
  {
    name: "Risk downgrades",
    effect: "require_approval",
    match: { types: ["vendors.update_risk_score"], params: { field: "newScore", op: "lt", value: 30 } },
  },
  { name: "Compliance docs", effect: "allow", match: { types: ["vendors.request_compliance_docs"] } },
  {
    name: "Sanctioned countries",
    effect: "block",
    match: {
      types: ["vendors.onboard_vendor"],
      params: { field: "country", op: "in", value: ["KP", "IR", "SY", "CU"] },
    },
  },
  { name: "All vendor changes", effect: "require_approval", enabled: false, match: { domains: ["vendors"] } },
  // contracts (7)
  {
    name: "Large renewals",
    effect: "require_approval",
    match: { types: ["contracts.auto_renew"], params: gt("value", 100_000) },
    approval: { approvers: 2 },
  },
  {
    name: "Million-dollar signatures",
    effect: "block",
    match: { types: ["contracts.send_for_signature"], tiers: { max: "T3" }, params: gt("value", 1_000_000) },
  },
  {
    name: "Unreviewed or large signatures",
    effect: "require_approval",
    match: {
      types: ["contracts.send_for_signature"],
      params: { any: [gt("value", 250_000), { not: { field: "reviewedBy", op: "exists" } }] },
    },
  },
  { name: "Terminations", effect: "require_approval", match: { types: ["contracts.terminate_contract"] } },
  { name: "Obligation tracking", effect: "allow", match: { types: ["contracts.track_obligations"] } },
  {
    name: "Contracts below T2",
    effect: "block",
    mode: "shadow",
    match: { domains: ["contracts"], tiers: { max: "T1" } },
  },
  {
    name: "Trusted renewal agent",
    effect: "allow",
    match: {
      types: ["contracts.auto_renew"],
      agentIds: ["contracts-agent-t4"],
      riskLevels: ["high", "critical"],
    },
  },
  // identity (5)
  {
    name: "Privileged deprovisioning",
    effect: "require_approval",
    match: { types: ["identity.deprovision_user"], params: eq("privileged", true) },
    approval: { approvers: 2 },
  },
  {
    name: "Admin roles below T3",
    effect: "block",
    match: {
      types: ["identity.assign_role"],
      tiers: { max: "T2" },
      params: { field: "role", op: "matches", value: "^admin" },
    },
  },
  { name: "Role assignments", effect: "require_approval", match: { types: ["identity.assign_role"] } },
  {
    name: "Production credentials",
    effect: "require_approval",
    match: { types: ["identity.rotate_credentials"], params: eq("environment", "production") },
  },
  { name: "Access reviews", effect: "allow", match: { types: ["identity.initiate_access_review"] } },
  // cross-domain (1)
  {
    name: "Critical needs two",
    effect: "require_approval",
    match: { riskLevels: ["critical"] },
    approval: { approvers: 2 },
  },
];

/** The 50 benchmark policies, as stored policies. */
export const POLICIES: Policy[] = POLICY_INPUTS.map((input, i) =>
  PolicySchema.parse({
    ...input,
    id: `pol_${String(i + 1).padStart(2, "0")}`,
    tenantId: "tenant_bench",
    version: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  }),
);

const TIERS: TrustTier[] = ["T0", "T1", "T2", "T3", "T4"];

function agentFor(domain: string, tier: TrustTier): EvaluationAgent {
  return {
    id: `${domain}-agent-t${tier.slice(1)}`,
    trustTier: tier,
    status: "active",
    domains: [domain],
    intentTypes: [`${domain}.*`],
  };
}

/** One evaluation to run: an intent and the agent submitting it. */
export interface BenchCase {
  intent: EvaluationIntent;
  agent: EvaluationAgent;
}

/**
 * Every type × params variant × tier, plus a few intents from agents of another domain and from
 * a suspended agent, so blocks by declaration and status are part of the mix.
 */
export function buildCases(): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const t of TYPES) {
    const domain = t.type.slice(0, t.type.indexOf("."));
    for (const params of t.variants) {
      const riskLevel = t.escalate?.(params) ?? t.risk;
      for (const tier of TIERS) {
        const intent: EvaluationIntent = {
          type: t.type,
          domain,
          agentId: `${domain}-agent-t${tier.slice(1)}`,
          params,
          riskLevel,
          intentClass: t.intentClass,
        };
        cases.push({ intent, agent: agentFor(domain, tier) });
      }
    }
  }
  const sample = cases.filter((_, i) => i % 23 === 0);
  for (const c of sample) {
    const other =
      DOMAINS[(DOMAINS.indexOf(c.intent.domain as (typeof DOMAINS)[number]) + 1) % DOMAINS.length]!;
    cases.push({ intent: c.intent, agent: agentFor(other, c.agent.trustTier) });
    cases.push({ intent: c.intent, agent: { ...c.agent, status: "suspended" } });
  }
  return cases;
}
