import { basename, sep } from "node:path";
import { FieldbenchError } from "@fieldbench/core";

/**
 * CMIP6 Data Reference Syntax (CMIP6 Global Attributes, DRS, Filenames, Directory Structure, and
 * CV's, 2018): file names
 * `<variable_id>_<table_id>_<source_id>_<experiment_id>_<member_id>_<grid_label>[_<time_range>].nc`
 * and directories
 * `<mip_era>/<activity_id>/<institution_id>/<source_id>/<experiment_id>/<member_id>/<table_id>/<variable_id>/<grid_label>/<version>`.
 */
export interface Cmip6FileName {
  readonly variable_id: string;
  readonly table_id: string;
  readonly source_id: string;
  readonly experiment_id: string;
  /** `[<sub_experiment_id>-]<variant_label>`, e.g. r1i1p1f1 or s1960-r1i1p1f1. */
  readonly member_id: string;
  readonly variant_label: string;
  readonly sub_experiment_id: string;
  readonly grid_label: string;
  /** As written in the name (`185001-201412`, `18500101-18501231`, `185001-201412-clim`), if present. */
  readonly time_range?: string;
  readonly time_start?: string;
  readonly time_end?: string;
}

export interface Cmip6Directory {
  readonly mip_era: string;
  readonly activity_id: string;
  readonly institution_id: string;
  readonly source_id: string;
  readonly experiment_id: string;
  readonly member_id: string;
  readonly table_id: string;
  readonly variable_id: string;
  readonly grid_label: string;
  readonly version: string;
}

const FILE_PATTERN = "<variable_id>_<table_id>_<source_id>_<experiment_id>_<member_id>_<grid_label>[_<time_range>].nc";
const VARIANT = /^r\d+i\d+p\d+f\d+$/;
const GRID_LABEL = /^g[a-z]{1,2}\d*$/;
/** YYYY, YYYYMM, YYYYMMDD, YYYYMMDDhh, YYYYMMDDhhmm or YYYYMMDDhhmmss, both ends alike. */
const TIME_RANGE = /^(\d{4}(?:\d{2}){0,5})-(\d{4}(?:\d{2}){0,5})(-clim|-avg)?$/;

function bad(path: string, problem: string): FieldbenchError {
  return new FieldbenchError("INVALID_VALUE", `${path}: not a CMIP6 DRS file name: ${problem}`, { path });
}

/** Parses a CMIP6 file name; throws INVALID_VALUE naming the file and the field that is wrong or missing. */
export function parseCmip6FileName(path: string): Cmip6FileName {
  const name = basename(path);
  if (!name.endsWith(".nc")) throw bad(path, `expected ${FILE_PATTERN}, the name does not end in .nc`);
  const parts = name.slice(0, -3).split("_");
  if (parts.length < 6 || parts.length > 7) {
    throw bad(path, `expected ${FILE_PATTERN}, found ${parts.length} fields separated by "_" (6 or 7 needed)`);
  }
  const [variable_id, table_id, source_id, experiment_id, member_id, grid_label, time_range] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  const memberParts = member_id.split("-");
  const variant_label = memberParts[memberParts.length - 1] as string;
  if (!VARIANT.test(variant_label)) {
    throw bad(
      path,
      `the 5th field (member_id) "${member_id}" has no variant label r<k>i<l>p<m>f<n>; is a field missing?`,
    );
  }
  if (!GRID_LABEL.test(grid_label)) {
    throw bad(path, `the 6th field (grid_label) "${grid_label}" is not a grid label such as gn, gr, gr1`);
  }
  for (const [field, value] of Object.entries({ variable_id, table_id, source_id, experiment_id })) {
    if (value === "") throw bad(path, `the ${field} field is empty`);
  }
  let range: Pick<Cmip6FileName, "time_range" | "time_start" | "time_end"> = {};
  if (time_range !== undefined) {
    const m = TIME_RANGE.exec(time_range);
    if (m === null || (m[1] as string).length !== (m[2] as string).length) {
      throw bad(path, `the 7th field (time_range) "${time_range}" is not <start>-<end> with dates like 185001-201412`);
    }
    range = { time_range, time_start: m[1] as string, time_end: m[2] as string };
  }
  return {
    variable_id,
    table_id,
    source_id,
    experiment_id,
    member_id,
    variant_label,
    sub_experiment_id: memberParts.length > 1 ? memberParts.slice(0, -1).join("-") : "none",
    grid_label,
    ...range,
  };
}

const DIRECTORY_FIELDS = [
  "mip_era",
  "activity_id",
  "institution_id",
  "source_id",
  "experiment_id",
  "member_id",
  "table_id",
  "variable_id",
  "grid_label",
  "version",
] as const;

/**
 * Finds the DRS directory part of a path (from its `CMIP6` component on). Returns undefined for a path
 * outside a DRS tree; throws if the tree is there but incomplete or disagrees with the file name.
 */
export function parseCmip6Directory(path: string): Cmip6Directory | undefined {
  const parts = path.split(/[\\/]/).filter((p) => p !== "");
  const dirs = parts.slice(0, -1);
  const start = dirs.lastIndexOf("CMIP6");
  if (start < 0) return undefined;
  const fields = dirs.slice(start);
  if (fields.length !== DIRECTORY_FIELDS.length) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `${path}: CMIP6 directory has ${fields.length} of the ${DIRECTORY_FIELDS.length} DRS levels (${DIRECTORY_FIELDS.join("/")})`,
      { path },
    );
  }
  const out = Object.fromEntries(DIRECTORY_FIELDS.map((f, i) => [f, fields[i] as string])) as unknown as Cmip6Directory;
  if (!/^v\d{8}$/.test(out.version)) {
    throw new FieldbenchError("INVALID_VALUE", `${path}: CMIP6 directory version "${out.version}" is not vYYYYMMDD`, {
      path,
    });
  }
  return out;
}

/** The path separator-free DRS directory for a file (where `datasets catalog` expects it). */
export function cmip6DirectoryOf(d: Cmip6Directory): string {
  return DIRECTORY_FIELDS.map((f) => d[f]).join(sep);
}
