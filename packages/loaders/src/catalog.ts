import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { FieldbenchError, isFieldbenchError } from "@fieldbench/core";
import { type OpenFile, openFile, stringAttr } from "@fieldbench/formats";
import { stringify } from "csv-stringify/sync";
import { parseCmip6Directory, parseCmip6FileName } from "./cmip6/drs.js";
import { checkCmip6Attributes } from "./cmip6/attributes.js";
import { describeSourceIdentity, type Cmip6InspectBlock } from "./identity.js";
import { openEra5FromFile } from "./era5.js";

/**
 * An intake-esm style catalog of a directory tree of ERA5 and CMIP6 files: one row per asset (a CMIP6
 * file, or one variable of an ERA5 file or store), columns as intake-esm's CMIP6 catalogs name them
 * plus `project`, `format`, `layout`, `frequency`, `calendar`, `start_time`, `end_time`.
 */
export const CATALOG_COLUMNS = [
  "project",
  "activity_id",
  "institution_id",
  "source_id",
  "experiment_id",
  "member_id",
  "table_id",
  "variable_id",
  "grid_label",
  "version",
  "frequency",
  "calendar",
  "time_range",
  "start_time",
  "end_time",
  "units",
  "layout",
  "format",
  "path",
] as const;

export type CatalogRow = Partial<Record<(typeof CATALOG_COLUMNS)[number], string>>;

export interface CatalogResult {
  readonly rows: CatalogRow[];
  /** Files left out (not ERA5 or CMIP6, or unreadable with skipInvalid), one line each. */
  readonly skipped: string[];
}

export interface CatalogOptions {
  /** Report bad CMIP6/ERA5 files in `skipped` instead of failing on the first (default false). */
  readonly skipInvalid?: boolean;
  /** Paths in the CSV relative to this directory (default: as found under the root). */
  readonly relativeTo?: string;
}

const DATA_EXTENSIONS = /\.(nc|nc4|netcdf|h5|hdf5|grib|grib2|grb|grb2)$/i;

/** Walks `root` (Zarr stores are single assets) and describes every ERA5 or CMIP6 file it finds. */
export async function buildCatalog(root: string, options: CatalogOptions = {}): Promise<CatalogResult> {
  const info = await stat(root).catch((cause: unknown) => {
    throw new FieldbenchError("FILE_NOT_FOUND", `${root}: no such directory`, { path: root, cause });
  });
  if (!info.isDirectory())
    throw new FieldbenchError("BAD_USAGE", `${root}: not a directory (catalog walks a directory tree)`, { path: root });
  const rows: CatalogRow[] = [];
  const skipped: string[] = [];
  for (const path of await listAssets(root)) {
    try {
      const found = await describeAsset(path);
      if (found.length === 0) skipped.push(`${path}: neither ERA5 nor CMIP6`);
      const shown = options.relativeTo === undefined ? path : relative(options.relativeTo, path);
      for (const row of found) rows.push({ ...row, path: shown });
    } catch (err) {
      if (!isFieldbenchError(err) || !options.skipInvalid) throw err;
      skipped.push(err.message);
    }
  }
  rows.sort(
    (a, b) => (a.path ?? "").localeCompare(b.path ?? "") || (a.variable_id ?? "").localeCompare(b.variable_id ?? ""),
  );
  return { rows, skipped };
}

async function listAssets(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await readdir(path);
      if (inner.some((e) => e === ".zgroup" || e === ".zmetadata" || e === "zarr.json")) out.push(path);
      else out.push(...(await listAssets(path)));
    } else if (entry.isFile() && DATA_EXTENSIONS.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

async function describeAsset(path: string): Promise<CatalogRow[]> {
  const inDrsTree = parseCmip6Directory(path) !== undefined;
  if (inDrsTree) parseCmip6FileName(path); // a file in a CMIP6 tree must carry a DRS name
  const file = await openFile(path);
  try {
    if (stringAttr(file.attrs, "mip_era") === "CMIP6" || inDrsTree) return [await cmip6Row(file)];
    const identity = await describeSourceIdentity(file);
    if (identity?.era5 !== undefined) return await era5Rows(file);
    return [];
  } finally {
    await file.close();
  }
}

async function cmip6Row(file: OpenFile): Promise<CatalogRow> {
  const name = parseCmip6FileName(file.path);
  const attrs = checkCmip6Attributes(file.attrs, file.path, name);
  const dir = parseCmip6Directory(file.path);
  const block = ((await describeSourceIdentity(file))?.cmip6 ?? {}) as Cmip6InspectBlock;
  if (block.problems !== undefined && block.problems.length > 0) {
    // The first problem names the file already (e.g. an unknown calendar): a catalog must not hide it.
    const calendarProblem = block.problems.find((p) => p.includes("calendar"));
    throw new FieldbenchError(
      calendarProblem === undefined ? "INVALID_VALUE" : "CALENDAR_UNSUPPORTED",
      block.problems[0] as string,
      { path: file.path },
    );
  }
  const variable = file.variables.find((v) => v.name === name.variable_id);
  return {
    project: "CMIP6",
    activity_id: attrs.activity_id,
    institution_id: attrs.institution_id,
    source_id: name.source_id,
    experiment_id: name.experiment_id,
    member_id: name.member_id,
    table_id: name.table_id,
    variable_id: name.variable_id,
    grid_label: name.grid_label,
    version: dir?.version ?? "",
    frequency: attrs.frequency,
    calendar: block.calendar ?? "",
    time_range: name.time_range ?? "",
    start_time: block.time_start ?? "",
    end_time: block.time_end ?? "",
    units: variable === undefined ? "" : (stringAttr(variable.attrs, "units") ?? ""),
    layout: "cmip6-drs",
    format: file.format,
  };
}

async function era5Rows(file: OpenFile): Promise<CatalogRow[]> {
  const source = await openEra5FromFile(file);
  const start = source.times[0] ?? "";
  const end = source.times[source.times.length - 1] ?? "";
  return source.variables.map((v) => ({
    project: "ERA5",
    institution_id: "ECMWF",
    source_id: "ERA5",
    experiment_id: "reanalysis",
    variable_id: v.short,
    frequency: inferFrequency(source.times),
    calendar: "proleptic_gregorian",
    start_time: start,
    end_time: end,
    units: v.units,
    layout: source.layout,
    format: file.format,
  }));
}

function inferFrequency(times: readonly string[]): string {
  if (times.length < 2) return "";
  const hours = (Date.parse(`${times[1]}Z`) - Date.parse(`${times[0]}Z`)) / 3_600_000;
  if (hours === 1) return "1hr";
  if (hours > 0 && hours < 24 && Number.isInteger(hours)) return `${hours}hr`;
  if (hours === 24) return "day";
  if (hours >= 672 && hours <= 744) return "mon";
  return `${hours}h`;
}

/** The catalog as CSV text (header + rows), columns in CATALOG_COLUMNS order. */
export function catalogCsv(rows: readonly CatalogRow[]): string {
  return stringify(
    rows.map((r) => CATALOG_COLUMNS.map((c) => r[c] ?? "")),
    { header: true, columns: [...CATALOG_COLUMNS] },
  );
}
