import { IntendedOpsError } from "../errors";
import { type RiskLevel, riskRank } from "../model/enums";
import { compiledCheckOf, parseWithSchema } from "../validation/compiled-check";
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
  /**
   * Check params with code compiled from each type's schema, and run zod only for params that code
   * cannot vouch for (default true). The answer and the error details are zod's either way;
   * `false` runs zod alone. Nothing is compiled when zod is configured `jitless`.
   */
  compiledParamsChecks?: boolean;
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
  const parseOptions = { pathPrefix: ["params"], compiled: options.compiledParamsChecks !== false };
  // Compile every type's params check now, at start-up, rather than on its first submission.
  if (parseOptions.compiled) for (const type of types.values()) compiledCheckOf(type.params);
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
      const value = parseWithSchema(type.params, params ?? {}, parseOptions) as Record<string, unknown>;
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
