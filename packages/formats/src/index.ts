export * from "./types.js";
export { normalizeSelection, selectionShape, type NormalizedRange } from "./selection.js";
export {
  hdf5SuperblockOffset,
  isFluxnetCsv,
  isGrib2,
  isNetcdf3,
  isNpy,
  isSegy,
  isZarrListing,
} from "./sniff.js";
export { detectReader, isUrl, openFile, probePath } from "./open.js";
export {
  formatNames,
  getReader,
  readerEntries,
  registerReader,
  sniffReader,
  type ReaderEntry,
} from "./registry.js";
export { encodeNpy, parseNpyHeader, readNpy, writeNpy, type NpyHeader, type WriteNpyOptions } from "./npy.js";
export * from "./cf/index.js";
export {
  describeFile,
  findVariable,
  formatHeader,
  jsonAttrs,
  variableStats,
  variableValues,
  type InspectReport,
  type VariableStats,
  type VariableValues,
} from "./inspect.js";
export {
  createHdf5Writer,
  writeHdf5,
  type Hdf5DatasetSpec,
  type Hdf5SlabArray,
  type Hdf5SlabDType,
  type Hdf5StreamSpec,
  type Hdf5WritableArray,
  type Hdf5Writer,
} from "./hdf5-write.js";
export {
  BINARY_FIELDS,
  SAMPLE_FORMATS,
  SegyFile,
  TRACE_FIELDS,
  analyzeGeometry,
  ibmToFloat,
  openSegy,
  type GeometryKind,
  type HeaderField,
  type SampleFormat,
  type SegyGeometry,
  type SegyLayout,
  type SegyOpenOptions,
} from "./segy/index.js";
export {
  FLUXNET_MISSING,
  RESOLUTIONS,
  isoMinutes,
  openFluxnetTable,
  parseFluxnetFileName,
  parseTimestamp,
  timestampMinutes,
  type FluxnetFileName,
  type FluxnetOpenOptions,
  type FluxnetTable,
  type Resolution,
} from "./fluxnet/index.js";
export { openZarrStore, type HttpStoreOptions, type ZarrOpenOptions, type ZarrRequest } from "./zarr-entry.js";
export { grib2Coordinates, openGrib2, type Grib2Grid, type Grib2MessageSummary } from "./grib2/index.js";
