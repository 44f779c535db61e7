export {
  geometryReport,
  loadSegyCube,
  segyGathers,
  segyGeometry,
  segyInlines,
  type SegyCube,
  type SegyCubeOptions,
  type SegyGatherOptions,
  type SegyGeometryReport,
} from "./segy.js";
export { loadFluxnet, type FluxnetLoadOptions, type FluxnetQcFilter, type FluxnetSeries } from "./fluxnet.js";
export { gapStatistics, type GapStatistics } from "./fluxnet-gaps.js";
export { resampleDaily, type DailyOptions, type DailySeries } from "./fluxnet-resample.js";
export { UMOL_CO2_PER_S_TO_GC_PER_DAY, dailyAggregation, fluxnetUnits } from "./fluxnet-units.js";
export * from "./cmip6.js";
export {
  regridBilinear,
  regridConservative,
  regridField,
  regularGrid,
  type LatLonGrid,
  type RegridMethod,
} from "./regrid.js";
export {
  ERA5_VARIABLES,
  era5Variable,
  era5VariablesByStandardName,
  findEra5Variable,
  type Era5Variable,
} from "./era5-vocabulary.js";
export { detectEra5Layout, openEra5, openEra5FromFile, type Era5Layout, type Era5Source } from "./era5.js";
export {
  buildSuperbenchEra5Sample,
  superbenchEra5Dataset,
  type Era5WindChannel,
  type SuperbenchEra5Options,
  type SuperbenchEra5Sample,
} from "./era5-superbench.js";
export { describeSourceIdentity, type Cmip6InspectBlock, type Era5InspectBlock } from "./identity.js";
export {
  CATALOG_COLUMNS,
  buildCatalog,
  catalogCsv,
  type CatalogOptions,
  type CatalogResult,
  type CatalogRow,
} from "./catalog.js";
