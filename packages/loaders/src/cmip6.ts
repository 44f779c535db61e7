/** CMIP6: DRS names and directories, required global attributes, multi-file datasets on one time axis. */
export { CMIP6_REQUIRED_ATTRIBUTES, checkCmip6Attributes, type Cmip6Attributes } from "./cmip6/attributes.js";
export {
  cmip6DirectoryOf,
  parseCmip6Directory,
  parseCmip6FileName,
  type Cmip6Directory,
  type Cmip6FileName,
} from "./cmip6/drs.js";
export {
  openCmip6Dataset,
  type Cmip6Dataset,
  type Cmip6Identity,
  type Cmip6TimeAxis,
  type OpenCmip6Options,
} from "./cmip6/dataset.js";
export { findTimeIssues, type TimeIssue } from "./cmip6/time-axis.js";
