export type { CreateModel, Model, ModelOptions, PredictOptions, TileSpec } from "./model.js";
export {
  INTERPOLATION_NAMES,
  createInterpolationModel,
  interpolate,
  isInterpolationName,
  type InterpolationName,
} from "./interpolation.js";
export { createModel, modelNames, registerModel } from "./registry.js";
export {
  NET_DESCRIPTORS,
  NET_NAMES,
  type NetDescriptor,
  type NetName,
  baselineFolder,
  getNet,
  isNetName,
  netPackageFolder,
  netPackageName,
  parseNetName,
} from "./nets/descriptors.js";
export {
  antialiasWeights,
  cubicKernel,
  cubicWeights,
  linearWeights,
  nearestWeights,
  resamplePlanes,
  strideWeights,
  type AxisWeights,
} from "./resample.js";
export {
  PACKAGE_KINDS,
  type PackageKind,
  type PackageManifest,
  loadModelPackage,
  packageIntegrity,
  readPackageManifest,
} from "./package-loader.js";
export { countOnnx, countParameters, countTfjs } from "./parameters.js";
