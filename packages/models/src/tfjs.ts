/**
 * The TF.js side of @fieldbench/models, a separate entry so that importing the interpolation baselines never
 * loads TF.js: networks, backends, training, weights on disk and model packages.
 */
export { BACKEND_NAMES, type BackendName, ensureBackend, useBackend } from "./backends/select.js";
export { registerWasmTrainingKernels } from "./backends/wasm-kernels.js";
export {
  planSplitK,
  registerWebgpuConv2DBackpropFilter,
  type SplitKPlan,
} from "./backends/webgpu-conv2d-backprop-filter.js";
export {
  CircularPad,
  PixelShuffle,
  Scale,
  SpectralConv2d,
  circularPad,
  dftMatrices,
  pixelShuffle,
} from "./nets/layers.js";
export { NETS, NET_NAMES, type NetInfo, type NetName, type NetSpec, isNetName } from "./nets/nets.js";
export { defaultTfjsTile, loadTfjsPackage, type TfjsPackageField } from "./model-package.js";
export { DEFAULT_TFJS_TILE, fnoTile } from "./nets/descriptors.js";
export {
  type NetConfig,
  type Normalization,
  fromNhwc,
  netInput,
  normalizeBatch,
  toNhwc,
  wrapLayersModel,
} from "./tfjs-model.js";
export { type StepLoss, type TrainStep, createTrainStep } from "./train-step.js";
export {
  type EpochRecord,
  type TrainOptions,
  type TrainState,
  type TrainingBatch,
  trainNet,
  validationRfne,
  withSeededRandom,
} from "./train.js";
export { type WeightDtype, float16Bits } from "./weights-float16.js";
export {
  loadLayersModel,
  type SaveOptions,
  saveLayersModel,
  WEIGHT_SHARD_BYTES,
  weightFiles,
  weightsSha256,
} from "./weights-io.js";
export { FlatAdamOptimizer, flatAdam } from "./flat-adam.js";
