export {
  RESULT_SCHEMA_ID,
  parseResult,
  resultSchema,
  splitResultSchema,
  type SplitResult,
  type SuperbenchResult,
} from "./schema.js";
