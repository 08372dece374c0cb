export {
  AMBIENT,
  type AmbientCluster,
  type AmbientClusterStats,
  type AmbientPlacement,
  ambientClusterId,
  ambientPlacement,
  canonicalElements,
  describeAmbientClusters,
  displayNameOf,
  type SuggestedIntention,
  suggestLabel,
} from "./ambient";
export { compileIntentions } from "./intention-matcher";
export {
  type DataElement,
  DataElementSchema,
  INTENTION_STATUSES,
  type Intention,
  type IntentionInput,
  IntentionInputSchema,
  IntentionSchema,
} from "./intention-schema";
