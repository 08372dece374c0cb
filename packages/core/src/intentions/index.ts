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
