/** Minutes of human work each efficiency-valued support type saves (priced at the hourly rate). */
export const SUPPORT_MINUTES_SAVED = {
  create_ticket: 5,
  assign_ticket: 3,
  resolve_ticket: 10,
  send_response: 8,
  merge_tickets: 4,
  auto_categorize: 2,
} as const;

/**
 * Default risk-mitigation value (cents) per type; override per type with the catalog's
 * `riskMitigationCents` setting keyed by full type name, e.g. `support.escalate_ticket`.
 */
export const SUPPORT_RISK_MITIGATION_CENTS = {
  escalate_ticket: 5_000,
  update_priority: 2_500,
} as const;

/** Default cost-savings value (cents) per type; override with `costSavingsCents` by full type name. */
export const SUPPORT_COST_SAVINGS_CENTS = {
  /** One published solution deflects repeat tickets. */
  create_knowledge_article: 15_000,
} as const;
