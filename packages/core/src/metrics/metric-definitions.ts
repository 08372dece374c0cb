/** The 17 metric names of the API guide, by constant key. */
export const IntendedOps_METRICS = {
  INTENTS_SUBMITTED: "intendedops_intents_submitted_total",
  INTENTS_EVALUATED: "intendedops_intents_evaluated_total",
  INTENTS_EXECUTED: "intendedops_intents_executed_total",
  INTENTS_BLOCKED: "intendedops_intents_blocked_total",
  INTENTS_PENDING_APPROVAL: "intendedops_intents_pending_approval",
  INTENT_EVALUATION_DURATION: "intendedops_intent_evaluation_duration_seconds",
  INTENT_EXECUTION_DURATION: "intendedops_intent_execution_duration_seconds",
  TRUST_PROGRESSIONS: "intendedops_trust_progressions_total",
  TRUST_DEMOTIONS: "intendedops_trust_demotions_total",
  TRUST_SCORE: "intendedops_trust_score",
  AGENTS_BY_TIER: "intendedops_agents_by_tier",
  VALUE_GENERATED: "intendedops_value_generated_cents_total",
  VALUE_BY_TYPE: "intendedops_value_by_type_cents_total",
  JOBS_PROCESSED: "intendedops_jobs_processed_total",
  JOBS_FAILED: "intendedops_jobs_failed_total",
  WEBHOOKS_RECEIVED: "intendedops_webhooks_received_total",
  GOVERNANCE_DECISIONS: "intendedops_governance_decisions_total",
} as const;

export type MetricName = (typeof IntendedOps_METRICS)[keyof typeof IntendedOps_METRICS];

export type MetricType = "counter" | "gauge" | "histogram";

/** What a collector needs to know to expose a metric. */
export interface MetricDefinition {
  type: MetricType;
  help: string;
  labelNames: readonly string[];
}

/**
 * Histogram buckets in seconds from 10 µs to 10 s: an in-process policy evaluation takes
 * microseconds, an agent's execution can take seconds, and both share these bounds.
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
  0.5, 1, 2.5, 5, 10,
];

const INTENT_LABELS = ["tenantId", "agentId", "domain", "intentType"] as const;

// Label sets are the guide's labels (tenantId, agentId, domain, intentType, status, trustTier),
// narrowed per metric, plus `category` for value by type and `job` for background jobs.
// Gauges leave out labels that change over an entity's life (a score gauge labelled with the
// tier would leave a stale series behind at every promotion).
export const METRIC_DEFINITIONS = {
  [IntendedOps_METRICS.INTENTS_SUBMITTED]: {
    type: "counter",
    help: "Total intents submitted",
    labelNames: INTENT_LABELS,
  },
  [IntendedOps_METRICS.INTENTS_EVALUATED]: {
    type: "counter",
    help: "Intents evaluated by governance",
    labelNames: [...INTENT_LABELS, "trustTier"],
  },
  [IntendedOps_METRICS.INTENTS_EXECUTED]: {
    type: "counter",
    help: "Successfully executed intents",
    labelNames: [...INTENT_LABELS, "status"],
  },
  [IntendedOps_METRICS.INTENTS_BLOCKED]: {
    type: "counter",
    help: "Intents blocked by policy",
    labelNames: [...INTENT_LABELS, "trustTier"],
  },
  [IntendedOps_METRICS.INTENTS_PENDING_APPROVAL]: {
    type: "gauge",
    help: "Currently pending human approval",
    labelNames: ["tenantId"],
  },
  [IntendedOps_METRICS.INTENT_EVALUATION_DURATION]: {
    type: "histogram",
    help: "Time to evaluate intent",
    labelNames: INTENT_LABELS,
  },
  [IntendedOps_METRICS.INTENT_EXECUTION_DURATION]: {
    type: "histogram",
    help: "Time to execute intent",
    labelNames: INTENT_LABELS,
  },
  [IntendedOps_METRICS.TRUST_PROGRESSIONS]: {
    type: "counter",
    help: "Trust tier promotions",
    labelNames: ["tenantId", "agentId", "trustTier"],
  },
  [IntendedOps_METRICS.TRUST_DEMOTIONS]: {
    type: "counter",
    help: "Trust tier demotions",
    labelNames: ["tenantId", "agentId", "trustTier"],
  },
  [IntendedOps_METRICS.TRUST_SCORE]: {
    type: "gauge",
    help: "Current trust score by agent",
    labelNames: ["tenantId", "agentId"],
  },
  [IntendedOps_METRICS.AGENTS_BY_TIER]: {
    type: "gauge",
    help: "Agent count per trust tier",
    labelNames: ["tenantId", "trustTier"],
  },
  [IntendedOps_METRICS.VALUE_GENERATED]: {
    type: "counter",
    help: "Total value generated (cents)",
    labelNames: INTENT_LABELS,
  },
  [IntendedOps_METRICS.VALUE_BY_TYPE]: {
    type: "counter",
    help: "Value by type (efficiency, revenue, etc.)",
    labelNames: ["tenantId", "domain", "category"],
  },
  [IntendedOps_METRICS.JOBS_PROCESSED]: {
    type: "counter",
    help: "Background jobs processed",
    labelNames: ["job"],
  },
  [IntendedOps_METRICS.JOBS_FAILED]: {
    type: "counter",
    help: "Failed background jobs",
    labelNames: ["job"],
  },
  [IntendedOps_METRICS.WEBHOOKS_RECEIVED]: {
    type: "counter",
    help: "Webhooks received",
    labelNames: ["tenantId", "domain", "status"],
  },
  [IntendedOps_METRICS.GOVERNANCE_DECISIONS]: {
    type: "counter",
    help: "Governance decisions made",
    labelNames: [...INTENT_LABELS, "status", "trustTier"],
  },
} as const satisfies Record<MetricName, MetricDefinition>;

/** The label object a metric accepts: any subset of its label names. */
export type LabelsOf<N extends MetricName> = {
  readonly [K in (typeof METRIC_DEFINITIONS)[N]["labelNames"][number]]?: string | number;
};

/** The definition of a built-in metric, or undefined for a custom name. */
export function metricDefinition(name: string): MetricDefinition | undefined {
  return Object.hasOwn(METRIC_DEFINITIONS, name) ? METRIC_DEFINITIONS[name as MetricName] : undefined;
}
