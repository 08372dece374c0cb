import {
  type Catalog,
  type Classification,
  createCatalog,
  type DomainDefinition,
  IntendedOpsError,
  type RiskLevel,
  type ValueEstimatorSettings,
} from "@intendedops/core";

/** The action keys of a domain's types, e.g. `send_invoice`. */
export type ActionOf<D extends DomainDefinition> = Extract<keyof D["types"], string>;

/** The full type names of a domain, e.g. `billing.send_invoice`. */
export type TypeNameOf<D extends DomainDefinition> = `${D["name"]}.${ActionOf<D>}`;

/** A domain built into its own catalog, with the calls its tests make again and again. */
export interface DomainProbe<Name extends string> {
  readonly catalog: Catalog;
  /** Validates params for the type in this domain and computes the risk (throws on bad params). */
  classify(type: Name, params: unknown): Classification;
  /** The risk level the params classify at. */
  riskOf(type: Name, params: Record<string, unknown>): RiskLevel;
  /** The IntendedOpsError classifying these params throws; fails the test when they are accepted. */
  rejectionOf(type: string, params: unknown): IntendedOpsError;
  /** The value in cents of the params once validated (defaults applied). */
  estimate(type: Name, params: Record<string, unknown>): number;
}

/**
 * Builds the domain into a catalog (with optional estimator settings) and returns helpers for tests.
 * @example const { riskOf } = probeDomain(billingDomain); expect(riskOf("billing.send_invoice", p)).toBe("medium");
 */
export function probeDomain<D extends DomainDefinition>(
  domain: D,
  estimatorSettings: Partial<ValueEstimatorSettings> = {},
): DomainProbe<TypeNameOf<D>> {
  const catalog = createCatalog([domain], { estimatorSettings });
  const classify = (type: string, params: unknown) => catalog.classify(type, domain.name, params);
  return {
    catalog,
    classify,
    riskOf: (type, params) => classify(type, params).riskLevel,
    rejectionOf(type, params) {
      try {
        classify(type, params);
      } catch (error) {
        if (error instanceof IntendedOpsError) return error;
        throw error;
      }
      throw new Error(`${type} accepted ${JSON.stringify(params)}`);
    },
    estimate: (type, params) => catalog.estimateValue(type, classify(type, params).params),
  };
}
