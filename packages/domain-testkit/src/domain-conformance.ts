import {
  DEFAULT_ESTIMATOR_SETTINGS,
  type DomainDefinition,
  type ParamsFixture,
  type RiskLevel,
  type ValueCategory,
} from "@intendedops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type ActionOf, probeDomain, type TypeNameOf } from "./domain-probe";
import { describeParamsCheckAgreement } from "./params-check-agreement";

/**
 * One intent type: the guide's Description and Typical Value (null for "-"), then the risk and the
 * value in cents (at the default estimator settings) of the type's valid fixture.
 */
export type TypeRow = readonly [
  description: string,
  typicalValue: ValueCategory | null,
  validRisk: RiskLevel,
  validValueCents: number,
];

/** An example the guide prints for a type, which must classify exactly as shown. */
export interface GuideExample<Name extends string> {
  type: Name;
  params: Record<string, unknown>;
  /** The params after validation when the schema fills in defaults; `params` itself otherwise. */
  parsed?: Record<string, unknown>;
  risk: RiskLevel;
  /** The example's estimated value in cents, where the guide's example carries one worth checking. */
  valueCents?: number;
}

/** A risk threshold: at the limit the risk stays `atLimit`, just past it the risk becomes `above`. */
export interface EscalationCase<Name extends string> {
  type: Name;
  /** Valid params without the field under test. */
  base: Record<string, unknown>;
  field: string;
  limit: number;
  atLimit: RiskLevel;
  above: RiskLevel;
  /** The smallest amount past the limit that counts (default 1). */
  step?: number;
  /** Turns a count into the field's value, e.g. a list of that many ids (default the number itself). */
  valueFor?: (count: number) => unknown;
}

/** Two date fields of a type, where the end may fall on the start but not before it. */
export interface DateOrderCase<Name extends string> {
  type: Name;
  start: string;
  end: string;
}

/** Params that leave optional fields out, and what validation turns them into. */
export interface DefaultsCase<Name extends string> {
  type: Name;
  params: Record<string, unknown>;
  parsed: Record<string, unknown>;
}

/**
 * The per-type defaults a domain's estimators read, keyed by action. Each table lists every type
 * of its value category and no other type.
 */
export interface EstimatorTables<Action extends string> {
  /** Minutes of work each efficiency-valued type's valid fixture saves. */
  minutesSaved?: Readonly<Partial<Record<Action, number>>>;
  /** Default value in cents of each risk-mitigation type. */
  riskMitigationCents?: Readonly<Partial<Record<Action, number>>>;
  /** Default value in cents of each cost-savings type. */
  costSavingsCents?: Readonly<Partial<Record<Action, number>>>;
}

/** What a domain package declares about itself for the shared conformance suite. */
export interface DomainConformanceSpec<D extends DomainDefinition> {
  domain: D;
  fixtures: Readonly<Record<TypeNameOf<D>, ParamsFixture>>;
  /** The guide's table for the domain with what each valid fixture yields, one row per intent type. */
  types: Readonly<Record<TypeNameOf<D>, TypeRow>>;
  /** Misspelt fields added to every valid fixture; the error must name each of them. */
  typo: Readonly<Record<string, unknown>>;
  guideExamples?: readonly GuideExample<TypeNameOf<D>>[];
  escalations?: readonly EscalationCase<TypeNameOf<D>>[];
  /** Date ranges each type's schema must keep in order (checked against the valid fixture). */
  dateOrders?: readonly DateOrderCase<TypeNameOf<D>>[];
  defaults?: readonly DefaultsCase<TypeNameOf<D>>[];
  estimators: EstimatorTables<ActionOf<D>>;
}

/** An hourly rate other than the default, so a test can tell the setting was read. */
const CUSTOM_HOURLY_RATE_CENTS = 12_000;
/** A per-type value no default uses, so a test can tell the setting was read. */
const CUSTOM_TYPE_CENTS = 12_345;

const sorted = (names: Iterable<string>) => [...names].sort();

/**
 * Registers the tests every domain package owes: the guide's table, each type's valid and invalid
 * fixtures, documented fields, guide examples, risk thresholds, params rules and value estimators.
 * @example describeDomainConformance({ domain: billingDomain, fixtures: billingFixtures, … });
 */
export function describeDomainConformance<D extends DomainDefinition>(spec: DomainConformanceSpec<D>): void {
  const { domain } = spec;
  const probe = probeDomain(domain);
  const types = Object.values(domain.types);
  const typeNames = types.map((t) => t.name as TypeNameOf<D>);

  describe(`${domain.name}Domain`, () => {
    describeCatalog(spec, typeNames);
    describe.each(typeNames)("%s", (typeName) => {
      const fixture = spec.fixtures[typeName];
      const [, , risk, valueCents] = spec.types[typeName];

      it("accepts the valid fixture with the expected risk when classified", () => {
        expect(probe.riskOf(typeName, fixture.valid)).toBe(risk);
      });

      it("estimates the expected value when the valid fixture completes", () => {
        expect(probe.estimate(typeName, fixture.valid)).toBe(valueCents);
      });

      it("names the wrong field when the invalid fixture is classified", () => {
        const error = probe.rejectionOf(typeName, fixture.invalid);
        expect(error.code).toBe("VALIDATION_ERROR");
        expect(error.message).toContain(fixture.invalidField);
      });

      it("names an unknown field when params carry a typo", () => {
        const error = probe.rejectionOf(typeName, { ...fixture.valid, ...spec.typo });
        expect(error.code).toBe("VALIDATION_ERROR");
        for (const field of Object.keys(spec.typo)) expect(error.message).toContain(field);
      });
    });
    describeParamsCheckAgreement(domain, spec.fixtures);
    describeGuideExamples(spec);
    describeEscalations(spec);
    describeParamsRules(spec);
    describeEstimators(spec);
  });
}

function describeCatalog<D extends DomainDefinition>(spec: DomainConformanceSpec<D>, typeNames: string[]) {
  const { domain } = spec;
  const types = Object.values(domain.types);

  it("declares the guide's types, and a fixture for each, when built into a catalog", () => {
    expect(probeDomain(domain).catalog.domains).toEqual([domain.name]);
    const guide = Object.keys(spec.types);
    expect(typeNames).toHaveLength(guide.length);
    expect(sorted(typeNames)).toEqual(sorted(guide));
    expect(sorted(Object.keys(spec.fixtures))).toEqual(sorted(guide));
  });

  it("keeps the guide's descriptions and Typical Value column when declared", () => {
    const declared = Object.fromEntries(types.map((t) => [t.name, [t.description, t.valueCategory]]));
    const rows: [string, TypeRow][] = Object.entries(spec.types);
    const guide = rows.map(([name, [description, typicalValue]]) => [name, [description, typicalValue]]);
    expect(declared).toEqual(Object.fromEntries(guide));
  });

  it("documents every params field when exported as JSON Schema", () => {
    for (const type of types) {
      const json = z.toJSONSchema(type.params, { io: "input" }) as {
        properties: Record<string, { description?: string }>;
      };
      expect(Object.keys(json.properties).length, type.name).toBeGreaterThan(0);
      for (const [field, property] of Object.entries(json.properties)) {
        expect(property.description, `${type.name}.${field}`).toBeTruthy();
      }
    }
  });
}

function describeGuideExamples<D extends DomainDefinition>(spec: DomainConformanceSpec<D>) {
  const examples = spec.guideExamples ?? [];
  if (examples.length === 0) return;
  const probe = probeDomain(spec.domain);

  for (const example of examples) {
    it(`accepts the guide's ${example.type} example verbatim when classified`, () => {
      const { params, riskLevel } = probe.classify(example.type, example.params);
      expect(params).toEqual(example.parsed ?? example.params);
      expect(riskLevel).toBe(example.risk);
      if (example.valueCents !== undefined) {
        expect(probe.catalog.estimateValue(example.type, params)).toBe(example.valueCents);
      }
    });
  }
}

function describeEscalations<D extends DomainDefinition>(spec: DomainConformanceSpec<D>) {
  const cases = spec.escalations ?? [];
  if (cases.length === 0) return;
  const probe = probeDomain(spec.domain);

  for (const c of cases) {
    it(`raises ${c.type} from ${c.atLimit} to ${c.above} when ${c.field} passes ${c.limit}`, () => {
      const valueFor = c.valueFor ?? ((count: number) => count);
      expect(probe.riskOf(c.type, { ...c.base, [c.field]: valueFor(c.limit) })).toBe(c.atLimit);
      expect(probe.riskOf(c.type, { ...c.base, [c.field]: valueFor(c.limit + (c.step ?? 1)) })).toBe(c.above);
    });
  }
}

function describeParamsRules<D extends DomainDefinition>(spec: DomainConformanceSpec<D>) {
  const probe = probeDomain(spec.domain);

  for (const { type, start, end } of spec.dateOrders ?? []) {
    it(`rejects ${type} when ${end} comes before ${start}, and accepts the same day`, () => {
      const valid = spec.fixtures[type].valid;
      const error = probe.rejectionOf(type, { ...valid, [start]: "2026-02-01", [end]: "2026-01-31" });
      expect(error.details).toEqual([
        { path: ["params", end], message: `${end} must not be before ${start}` },
      ]);
      const sameDay = probe.classify(type, { ...valid, [start]: "2026-02-01", [end]: "2026-02-01" });
      expect(sameDay.params).toMatchObject({ [start]: "2026-02-01", [end]: "2026-02-01" });
    });
  }

  for (const { type, params, parsed } of spec.defaults ?? []) {
    it(`fills in ${type}'s defaults when optional fields are omitted`, () => {
      expect(probe.classify(type, params).params).toEqual(parsed);
    });
  }
}

function describeEstimators<D extends DomainDefinition>(spec: DomainConformanceSpec<D>) {
  const { domain, fixtures } = spec;
  const full = (action: string) => `${domain.name}.${action}` as TypeNameOf<D>;
  const entries = (table: Readonly<Partial<Record<string, number>>> | undefined) =>
    Object.entries(table ?? {}).map(([action, n]) => [full(action), n as number] as const);
  const valueWith = (settings: Parameters<typeof probeDomain>[1], type: TypeNameOf<D>) =>
    probeDomain(domain, settings).estimate(type, fixtures[type].valid);
  const minutes = entries(spec.estimators.minutesSaved);
  const tables = [
    ["risk-mitigation", "riskMitigationCents", entries(spec.estimators.riskMitigationCents)],
    ["cost-savings", "costSavingsCents", entries(spec.estimators.costSavingsCents)],
  ] as const;

  describe(`${domain.name} value estimators`, () => {
    it("gives an estimator to every valued type and none to the types the guide gives no value", () => {
      for (const type of Object.values(domain.types)) {
        expect(type.estimateValue !== undefined, type.name).toBe(type.valueCategory !== null);
      }
    });

    it("lists every efficiency, risk-mitigation and cost-savings type in its estimator tables", () => {
      const ofCategory = (category: ValueCategory) =>
        sorted(
          Object.values(domain.types)
            .filter((t) => t.valueCategory === category)
            .map((t) => t.name),
        );
      expect(sorted(minutes.map(([type]) => type))).toEqual(ofCategory("efficiency"));
      expect(sorted(tables[0][2].map(([type]) => type))).toEqual(ofCategory("risk_mitigation"));
      expect(sorted(tables[1][2].map(([type]) => type))).toEqual(ofCategory("cost_savings"));
    });

    if (minutes.length > 0) {
      it.each(minutes)("prices %s's minutes saved at the hourly rate when estimated", (type, saved) => {
        const rate = DEFAULT_ESTIMATOR_SETTINGS.hourlyRateCents;
        expect(valueWith({}, type)).toBe(Math.round((saved * rate) / 60));
        expect(valueWith({ hourlyRateCents: CUSTOM_HOURLY_RATE_CENTS }, type)).toBe(
          Math.round((saved * CUSTOM_HOURLY_RATE_CENTS) / 60),
        );
      });
    }

    for (const [label, setting, table] of tables) {
      if (table.length === 0) continue;
      it.each(table)(`values %s at its default or the tenant's ${label} setting`, (type, cents) => {
        expect(valueWith({}, type)).toBe(cents);
        const custom = { [setting]: { [type]: CUSTOM_TYPE_CENTS } };
        expect(valueWith(custom, type)).toBe(CUSTOM_TYPE_CENTS);
        // A setting for one type leaves every other type at its own default.
        for (const [other, otherCents] of table) {
          if (other !== type) expect(valueWith(custom, other), other).toBe(otherCents);
        }
      });
    }
  });
}
