import { basename } from "node:path";
import { type Attrs, type Dataset, type Field, FieldbenchError, type Sample, makeField } from "@fieldbench/core";
import {
  type CfCalendar,
  type OpenFile,
  readDecoded,
  readDecodedFloat32,
  findVariable,
  normalizeCalendar,
  openFile,
  stringAttr,
} from "@fieldbench/formats";
import { type Cmip6Attributes, checkCmip6Attributes } from "./attributes.js";
import { type Cmip6FileName, parseCmip6Directory, parseCmip6FileName } from "./drs.js";
import { type TimeIssue, dayNumberToDate, findTimeIssues, fromDayNumber, toDayNumber } from "./time-axis.js";

/** Who made the data and what it is: the identity `inspect` and the catalog show. */
export interface Cmip6Identity {
  readonly variable_id: string;
  readonly table_id: string;
  readonly source_id: string;
  readonly institution_id: string;
  readonly activity_id: string;
  readonly experiment_id: string;
  readonly member_id: string;
  readonly grid_label: string;
  readonly frequency: string;
  readonly calendar: string;
  readonly units?: string;
  readonly time_start?: string;
  readonly time_end?: string;
}

export interface Cmip6TimeAxis {
  /** Offsets in `units` of the first file (sorted order), one per step across all files. */
  readonly values: Float64Array;
  readonly units: string;
  readonly calendar: CfCalendar;
  readonly iso: readonly string[];
  /** [n, 2] bounds in the same units, when every file has them. */
  readonly bounds?: Float64Array;
}

export interface Cmip6Dataset extends Dataset {
  readonly identity: Cmip6Identity;
  readonly files: readonly { path: string; steps: number; start: string; end: string }[];
  readonly time: Cmip6TimeAxis;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly latBounds?: Float64Array;
  readonly lonBounds?: Float64Array;
  /** Gaps and overlaps of the time axis, with dates (empty when the series is continuous). */
  readonly issues: readonly TimeIssue[];
  /** Shape of one time step, e.g. [lat, lon] or [plev, lat, lon]. */
  readonly stepShape: readonly number[];
  readonly stepDims: readonly string[];
  /** One time step, CF-decoded (missing as NaN), as a Float32 field with lat/lon coordinates. */
  readStep(index: number): Promise<Field>;
  close(): Promise<void>;
}

export interface OpenCmip6Options {
  /** Refuse a series with gaps or overlaps instead of reporting them (default false). */
  readonly requireContinuous?: boolean;
}

interface Part {
  path: string;
  file: OpenFile;
  name: Cmip6FileName;
  attrs: Cmip6Attributes;
  days: number[];
  boundDays?: number[];
  calendar: CfCalendar;
  units: string;
}

/**
 * Opens CMIP6 files of one variable of one simulation as a single dataset: DRS names and global
 * attributes checked, files sorted by their first time, time converted to the first file's units,
 * gaps and overlaps reported with their dates. Data is read one step at a time.
 */
export async function openCmip6Dataset(
  paths: readonly string[],
  options: OpenCmip6Options = {},
): Promise<Cmip6Dataset> {
  if (paths.length === 0) throw new FieldbenchError("BAD_USAGE", "no CMIP6 files given");
  const parts: Part[] = [];
  try {
    for (const path of paths) parts.push(await openPart(path));
    return await assemble(parts, options);
  } catch (err) {
    await Promise.all(parts.map((p) => p.file.close().catch(() => {})));
    throw err;
  }
}

async function openPart(path: string): Promise<Part> {
  const name = parseCmip6FileName(path);
  const dir = parseCmip6Directory(path);
  if (dir !== undefined) {
    for (const key of ["source_id", "experiment_id", "member_id", "table_id", "variable_id", "grid_label"] as const) {
      if (dir[key] !== name[key]) {
        throw new FieldbenchError(
          "INVALID_VALUE",
          `${path}: directory says ${key} "${dir[key]}" but the file name says "${name[key]}"`,
          { path },
        );
      }
    }
  }
  const file = await openFile(path);
  try {
    const attrs = checkCmip6Attributes(file.attrs, path, name);
    findVariable(file, name.variable_id);
    const time = file.variables.find((v) => v.name === "time");
    if (time === undefined) {
      if (attrs.frequency === "fx")
        return { path, file, name, attrs, days: [], calendar: "standard", units: "days since 1850-01-01" };
      throw new FieldbenchError("INVALID_VALUE", `${path}: no time variable in a ${attrs.frequency} file`, { path });
    }
    const units = stringAttr(time.attrs, "units");
    if (units === undefined)
      throw new FieldbenchError("INVALID_VALUE", `${path}: time has no units attribute`, { path });
    const calendar = normalizeCalendar(stringAttr(time.attrs, "calendar"), `${path}: time`);
    const offsets = (await readDecoded(file, "time")).values;
    const days = Array.from(offsets, (v) => toDayNumber(v, units, calendar));
    const boundsName = stringAttr(time.attrs, "bounds");
    let boundDays: number[] | undefined;
    if (boundsName !== undefined && file.variables.some((v) => v.name === boundsName)) {
      const b = await file.read(boundsName);
      boundDays = Array.from(b.data as Float64Array, (v) => toDayNumber(Number(v), units, calendar));
    }
    return { path, file, name, attrs, days, ...(boundDays === undefined ? {} : { boundDays }), calendar, units };
  } catch (err) {
    await file.close();
    throw err;
  }
}

async function assemble(unsorted: Part[], options: OpenCmip6Options): Promise<Cmip6Dataset> {
  const parts = [...unsorted].sort((a, b) => (a.days[0] ?? 0) - (b.days[0] ?? 0));
  const first = parts[0] as Part;
  for (const p of parts) {
    for (const key of ["variable_id", "table_id", "source_id", "experiment_id", "member_id", "grid_label"] as const) {
      if (p.name[key] !== first.name[key]) {
        throw new FieldbenchError(
          "INVALID_VALUE",
          `${p.path}: ${key} "${p.name[key]}" differs from "${first.name[key]}" in ${first.path}; one dataset holds one variable of one simulation`,
          { path: p.path },
        );
      }
    }
    if (p.calendar !== first.calendar) {
      throw new FieldbenchError(
        "INVALID_VALUE",
        `${p.path}: calendar ${p.calendar} differs from ${first.calendar} in ${first.path}`,
        { path: p.path },
      );
    }
  }
  const variable = first.name.variable_id;
  const info = findVariable(first.file, variable);
  const stepShape = info.dims[0] === "time" ? info.shape.slice(1) : info.shape;
  const stepDims = info.dims[0] === "time" ? info.dims.slice(1) : info.dims;
  for (const p of parts) {
    const other = findVariable(p.file, variable);
    const otherStep = other.dims[0] === "time" ? other.shape.slice(1) : other.shape;
    if (otherStep.join("x") !== stepShape.join("x")) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${p.path}: ${variable} steps are [${otherStep.join(", ")}] but [${stepShape.join(", ")}] in ${first.path}`,
        { path: p.path },
      );
    }
  }
  const calendar = first.calendar;
  const days = parts.flatMap((p) => p.days);
  const owners = parts.flatMap((p) => p.days.map(() => p.path));
  const issues = findTimeIssues(
    days,
    owners.map((p) => basename(p)),
    calendar,
    first.attrs.frequency,
  );
  if (options.requireContinuous && issues.length > 0) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `${first.path}: the time axis is not continuous: ${(issues[0] as TimeIssue).message}`,
      { path: first.path },
    );
  }
  const values = Float64Array.from(days, (d) => fromDayNumber(d, first.units, calendar));
  const iso = days.map((d) => dayNumberToDate(d, calendar).iso);
  const haveBounds = parts.every((p) => p.boundDays !== undefined && p.boundDays.length === 2 * p.days.length);
  const bounds = haveBounds
    ? Float64Array.from(
        parts.flatMap((p) => p.boundDays as number[]),
        (d) => fromDayNumber(d, first.units, calendar),
      )
    : undefined;
  const coord = async (name: string): Promise<{ values?: Float64Array; bounds?: Float64Array }> => {
    const v = first.file.variables.find((x) => x.name === name);
    if (v === undefined) return {};
    const values = Float64Array.from((await first.file.read(name)).data as ArrayLike<number>, Number);
    const boundsName = stringAttr(v.attrs, "bounds");
    if (boundsName === undefined || !first.file.variables.some((x) => x.name === boundsName)) return { values };
    return { values, bounds: Float64Array.from((await first.file.read(boundsName)).data as ArrayLike<number>, Number) };
  };
  const latName = stepDims.find((d) => d === "lat" || d === "latitude") ?? "lat";
  const lonName = stepDims.find((d) => d === "lon" || d === "longitude") ?? "lon";
  const lat = await coord(latName);
  const lon = await coord(lonName);
  const index: { part: Part; local: number }[] = parts.flatMap((part) =>
    part.days.map((_, local) => ({ part, local })),
  );
  const identity: Cmip6Identity = {
    variable_id: variable,
    table_id: first.name.table_id,
    source_id: first.name.source_id,
    institution_id: first.attrs.institution_id,
    activity_id: first.attrs.activity_id,
    experiment_id: first.name.experiment_id,
    member_id: first.name.member_id,
    grid_label: first.name.grid_label,
    frequency: first.attrs.frequency,
    calendar,
    ...(stringAttr(info.attrs, "units") === undefined ? {} : { units: stringAttr(info.attrs, "units") as string }),
    ...(iso.length === 0 ? {} : { time_start: iso[0] as string, time_end: iso[iso.length - 1] as string }),
  };
  const readStep = async (i: number): Promise<Field> => {
    const at = index[i];
    if (at === undefined) throw new FieldbenchError("BAD_USAGE", `time step ${i} is outside 0..${index.length - 1}`);
    const v = findVariable(at.part.file, variable);
    return makeField({
      name: variable,
      data: (await readDecodedFloat32(at.part.file, variable, [at.local])).values,
      shape: stepShape,
      dims: stepDims,
      coords: {
        ...(lat.values === undefined ? {} : { [latName]: lat.values }),
        ...(lon.values === undefined ? {} : { [lonName]: lon.values }),
      },
      attrs: meaningAttrs(v.attrs),
    });
  };
  return {
    name: `CMIP6.${first.attrs.activity_id}.${first.attrs.institution_id}.${first.name.source_id}.${first.name.experiment_id}.${first.name.member_id}.${first.name.table_id}.${variable}.${first.name.grid_label}`,
    attrs: { ...first.file.attrs },
    length: index.length,
    identity,
    files: parts.map((p) => ({
      path: p.path,
      steps: p.days.length,
      start: p.days.length > 0 ? dayNumberToDate(p.days[0] as number, calendar).iso : "",
      end: p.days.length > 0 ? dayNumberToDate(p.days[p.days.length - 1] as number, calendar).iso : "",
    })),
    time: { values, units: first.units, calendar, iso, ...(bounds === undefined ? {} : { bounds }) },
    lat: lat.values ?? new Float64Array(0),
    lon: lon.values ?? new Float64Array(0),
    ...(lat.bounds === undefined ? {} : { latBounds: lat.bounds }),
    ...(lon.bounds === undefined ? {} : { lonBounds: lon.bounds }),
    issues,
    stepShape,
    stepDims,
    readStep,
    async *samples(): AsyncIterable<Sample> {
      for (let i = 0; i < index.length; i++) {
        const field = await readStep(i);
        yield { index: i, time: iso[i] as string, fields: { [variable]: field } };
      }
    },
    close: async () => {
      await Promise.all(parts.map((p) => p.file.close()));
    },
  };
}

/** Attributes that say what values mean; the storage encoding (_FillValue, packing) stays behind. */
function meaningAttrs(attrs: Attrs): Attrs {
  const hidden = new Set([
    "_FillValue",
    "missing_value",
    "scale_factor",
    "add_offset",
    "valid_range",
    "valid_min",
    "valid_max",
  ]);
  return Object.fromEntries(Object.entries(attrs).filter(([k]) => !hidden.has(k)));
}
