export {
  RESULT_SCHEMA_ID,
  parseResult,
  resultSchema,
  splitResultSchema,
  type SplitResult,
  type SuperbenchResult,
} from "./schema.js";
export * from "./check.js";
export * from "./rank.js";
export * from "./store.js";
export * from "./build.js";
export { renderMarkdown, renderBoardMarkdown } from "./render/markdown.js";
export { renderCsv } from "./render/csv.js";
export { renderSite, type SampleVisuals } from "./render/html.js";
export { type Field2D, fieldToPng, viridis } from "./render/colormap.js";
export { renderSpectrumSvg } from "./render/spectrum-plot.js";
export { DIAGNOSTIC_COLUMNS, oodRatio, readMeanAlphas } from "./diagnostic-columns.js";
