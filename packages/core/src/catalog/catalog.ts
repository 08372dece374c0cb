import { IntendedOpsError, validationError } from "../errors";
import { type RiskLevel, riskRank } from "../model/enums";
import { estimateCents } from "../value/money";
import {
  DEFAULT_ESTIMATOR_SETTINGS,
  type DomainDefinition,
  type IntentTypeDefinition,
  type ValueEstimatorSettings,
} from "./intent-type";

/** What the engine needs to know about an intent type after validation. */
export interface Classification {
  type: IntentTypeDefinition;
  domain: string;
  params: Record<string, unknown>;
  riskLevel: RiskLevel;
}

/** The registry of intent types the engine accepts. */
export interface Catalog {
  readonly domains: readonly string[];
  has(typeName: string): boolean;
  get(typeName: string): IntentTypeDefinition | undefined;
  list(): IntentTypeDefinition[];
  /**
   * Validate params against the type's schema and compute the risk level.
   * Throws VALIDATION_ERROR for an unknown type, a domain mismatch or bad params
   * (detail paths start with `params`).
   */
  classify(typeName: string, domain: string | undefined, params: unknown): Classification;
  /** The type's estimated value in whole cents (at most MAX_VALUE_CENTS), or 0 when it has none. */
  estimateValue(typeName: string, params: Record<string, unknown>): number;
}

export interface CatalogOptions {
  estimatorSettings?: Partial<ValueEstimatorSettings>;
}

/** Build a catalog from domains (and stray types). Duplicate type names are an error. */
export function createCatalog(domains: readonly DomainDefinition[], options: CatalogOptions = {}): Catalog {
  const types = new Map<string, IntentTypeDefinition>();
  const domainNames = new Set<string>();
  for (const domain of domains) {
    domainNames.add(domain.name);
    for (const type of Object.values(domain.types)) {
      if (types.has(type.name)) throw new TypeError(`Duplicate intent type ${type.name}`);
      types.set(type.name, type);
    }
  }
  const settings: ValueEstimatorSettings = { ...DEFAULT_ESTIMATOR_SETTINGS, ...options.estimatorSettings };

  return {
    domains: [...domainNames],
    has: (name) => types.has(name),
    get: (name) => types.get(name),
    list: () => [...types.values()],
    classify(typeName, domain, params) {
      const type = types.get(typeName);
      if (!type) {
        const details = [{ path: ["type"], message: `Unknown intent type: ${typeName}` }];
        throw new IntendedOpsError("VALIDATION_ERROR", `type: Unknown intent type: ${typeName}`, details);
      }
      const typeDomain = typeName.slice(0, typeName.indexOf("."));
      if (domain !== undefined && domain !== typeDomain) {
        const message = `Domain must be "${typeDomain}" for intent type ${typeName}`;
        throw new IntendedOpsError("VALIDATION_ERROR", `domain: ${message}`, [{ path: ["domain"], message }]);
      }
      const parsed = type.params.safeParse(params ?? {});
      if (!parsed.success) throw validationError(parsed.error, ["params"]);
      const value = parsed.data as Record<string, unknown>;
      let riskLevel = type.defaultRisk;
      const escalated = type.escalateRisk?.(value);
      if (escalated && riskRank(escalated) > riskRank(riskLevel)) riskLevel = escalated;
      return { type, domain: typeDomain, params: value, riskLevel };
    },
    estimateValue(typeName, params) {
      const type = types.get(typeName);
      if (!type?.estimateValue) return 0;
      return estimateCents(type.estimateValue(params as never, settings)) ?? 0;
    },
  };
}
