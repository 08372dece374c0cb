export { type Catalog, type CatalogOptions, type Classification, createCatalog } from "./catalog";
export {
  DEFAULT_ESTIMATOR_SETTINGS,
  type DomainDefinition,
  defineDomain,
  defineIntentType,
  type IntentTypeDefinition,
  type ValueEstimatorSettings,
} from "./intent-type";
export { intentTypeIssues } from "./intent-type-issues";
