import { VALUE_CATEGORIES, type ValueCategory } from "../model/enums";
import type { ValueRecord } from "../model/value";

/** Totals in cents: overall, per category (every category present), per agent and per domain. */
export interface ValueRollup {
  totalCents: number;
  byCategory: Record<ValueCategory, number>;
  byAgent: Record<string, number>;
  byDomain: Record<string, number>;
}

/** Sum value records by category, agent and domain. Maps have no prototype, so ids like `constructor` are safe keys. */
export function rollupValue(records: readonly ValueRecord[]): ValueRollup {
  const byCategory = Object.create(null) as Record<ValueCategory, number>;
  for (const category of VALUE_CATEGORIES) byCategory[category] = 0;
  const byAgent = Object.create(null) as Record<string, number>;
  const byDomain = Object.create(null) as Record<string, number>;
  let totalCents = 0;
  for (const record of records) {
    totalCents += record.cents;
    byCategory[record.category] += record.cents;
    byAgent[record.agentId] = (byAgent[record.agentId] ?? 0) + record.cents;
    byDomain[record.domain] = (byDomain[record.domain] ?? 0) + record.cents;
  }
  return { totalCents, byCategory, byAgent, byDomain };
}
