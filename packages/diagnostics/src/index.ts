export { symmetricEigenvalues } from "./symmetric-eigen.js";
export { type LayerMatrices, pooledEigenvalues } from "./esd.js";
export { type KernelKind, kernelSlices } from "./kernel-slices.js";
export { type PowerLawFit, fitPowerLaw } from "./power-law.js";
export {
  type MarchenkoPastur,
  compareMarchenkoPastur,
  marchenkoPasturCdf,
  marchenkoPasturEdges,
} from "./marchenko-pastur.js";
export { type LayerSpectrum, MIN_EIGENVALUES, ZERO_EIGENVALUE_FRACTION, analyzeLayer } from "./layer-spectrum.js";
export { type NamedTensor, readTfjsWeights } from "./tfjs-weights.js";
export {
  type EsdHistogram,
  type LayerReport,
  type WeightReport,
  WEIGHTS_SCHEMA_ID,
  diagnoseWeights,
  logHistogram,
} from "./weights.js";
export { renderEsdSvg } from "./esd-plot.js";
export { formatWeightTable } from "./weights-table.js";
export { toJson, writeOutputs } from "./write-outputs.js";
export {
  type ConvergenceCurve,
  type ConvergenceLevel,
  type ConvergenceOrder,
  type ConvergenceSetup,
  fitOrder,
  measureConvergence,
  referenceLevels,
  regionBounds,
} from "./convergence.js";
export {
  CONVERGENCE_SCHEMA_ID,
  type ConvergenceOptions,
  type ConvergenceResult,
  convergenceWarnings,
  runConvergence,
} from "./convergence-run.js";
export { formatConvergenceTable, renderConvergenceSvg } from "./convergence-report.js";
export { readTruths, specOnGrid } from "./dataset-access.js";
export {
  TRANSFER_SCHEMA_ID,
  type TransferCell,
  type TransferCondition,
  type TransferOptions,
  type TransferResult,
  conditionLabel,
  runTransfer,
} from "./transfer.js";
export { formatTransferTable, renderTransferSvg, transferHtml } from "./transfer-report.js";
