export {
  type DateOrderCase,
  type DefaultsCase,
  type DomainConformanceSpec,
  describeDomainConformance,
  type EscalationCase,
  type EstimatorTables,
  type GuideExample,
  type TypeRow,
} from "./domain-conformance";
export { type ActionOf, type DomainProbe, probeDomain, type TypeNameOf } from "./domain-probe";
export { createGovernedHarness, type GovernedHarness, type GovernedHarnessOptions } from "./governed-harness";
export { describeReadmeConformance } from "./readme-conformance";
