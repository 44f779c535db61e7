export {
  FieldbenchError,
  INPUT_ERROR_CODES,
  WORK_ERROR_CODES,
  exitCodeFor,
  isFieldbenchError,
  type FieldbenchErrorCode,
  type FieldbenchErrorOptions,
  type InputErrorCode,
  type WorkErrorCode,
} from "./errors.js";
export {
  BYTES_PER_ELEMENT,
  allocateArray,
  dtypeOf,
  toFloat32,
  toFloat64,
  type DType,
  type FloatArray,
  type NumericArray,
  type NumericDType,
} from "./dtype.js";
export {
  makeField,
  stridesOf,
  type AttrValue,
  type Attrs,
  type Coord,
  type Dataset,
  type Field,
  type FieldInit,
  type Sample,
} from "./field.js";
export { DEFAULT_MAX_BYTES, checkAllocation, formatBytes, maxAllocationBytes, shapeSize } from "./limits.js";
export { createRng, deriveSeed, type Rng } from "./rng.js";
export { createSha256, sha256Bytes, sha256File, sha256Files } from "./hash.js";
export { temporaryPath, writeFileAtomic } from "./atomic-write.js";
export { downloadFile, type DownloadOptions, type Downloaded } from "./download.js";
export {
  chooseProgressMode,
  createProgress,
  type Progress,
  type ProgressMode,
  type ProgressOptions,
} from "./progress.js";
