export {
  type CompiledSchemaCheck,
  compileSchemaCheck,
  NOT_PROVEN,
  type ParseOptions,
  parseWithSchema,
} from "./compiled-check";
