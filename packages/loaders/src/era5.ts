import { type Field, FieldbenchError, makeField } from "@fieldbench/core";
import {
  type Grib2MessageSummary,
  type OpenFile,
  type Selection,
  type VariableInfo,
  decodeTimes,
  readDecoded,
  readDecodedFloat32,
  grib2Coordinates,
  openFile,
  stringAttr,
} from "@fieldbench/formats";
import { type Era5Variable, era5Variable, findEra5Variable } from "./era5-vocabulary.js";

/**
 * ERA5 as users get it, behind one interface:
 * - `cds-netcdf-legacy`: the Copernicus CDS NetCDF of grib_to_netcdf (until 2024): int16 packed with
 *   scale_factor/add_offset, `time` in "hours since 1900-01-01", latitude 90..-90, longitude 0..359.75;
 * - `cds-netcdf`: the new CDS (2024-): NetCDF4, `valid_time` in seconds since 1970, `number`, `expver`;
 * - `cds-grib`: GRIB2 as the CDS delivers it (CCSDS or simple packing), one message per field;
 * - `arco-zarr`: analysis-ready cloud Zarr stores (variables `2m_temperature`, dims time/latitude/longitude),
 *   read lazily from a directory or over HTTP: a time step fetches only its own chunks.
 */
export type Era5Layout = "cds-netcdf-legacy" | "cds-netcdf" | "cds-grib" | "arco-zarr";

export interface Era5Source {
  readonly path: string;
  readonly layout: Era5Layout;
  /** The ERA5 variables present, in vocabulary form. */
  readonly variables: readonly Era5Variable[];
  /** Valid times, ISO-8601 (UTC, proleptic Gregorian). */
  readonly times: readonly string[];
  readonly latitude: Float64Array;
  readonly longitude: Float64Array;
  /** One variable (any vocabulary name: t2m, 2t, 2m_temperature) at one time, [latitude, longitude], NaN missing. */
  readField(variable: string, timeIndex: number): Promise<Field>;
  close(): Promise<void>;
}

const TIME_NAMES = ["valid_time", "time"];
const LAT_NAMES = ["latitude", "lat"];
const LON_NAMES = ["longitude", "lon"];

/** Opens an ERA5 file or store (NetCDF, GRIB2, Zarr directory or http(s) URL) and identifies its layout. */
export async function openEra5(path: string): Promise<Era5Source> {
  const file = await openFile(path);
  try {
    return file.format === "grib2" ? await gribSource(file) : await griddedSource(file);
  } catch (err) {
    await file.close();
    throw err;
  }
}

/** An ERA5 view of an already opened file (the caller keeps ownership: close the file, not the source). */
export async function openEra5FromFile(file: OpenFile): Promise<Era5Source> {
  const source = file.format === "grib2" ? await gribSource(file) : await griddedSource(file);
  return { ...source, close: async () => {} };
}

/** Which ERA5 layout an opened file follows, or undefined when it does not look like ERA5. */
export function detectEra5Layout(file: OpenFile): Era5Layout | undefined {
  if (file.format === "grib2") {
    const messages = gribMessages(file);
    return messages.some((m) => findEra5Variable(m.shortName) !== undefined) ? "cds-grib" : undefined;
  }
  const names = new Set(file.variables.map((v) => v.name));
  const hasGrid = LAT_NAMES.some((n) => names.has(n)) && LON_NAMES.some((n) => names.has(n));
  const era5Vars = file.variables.filter((v) => findEra5Variable(v.name) !== undefined && v.dims.length >= 2);
  if (!hasGrid || era5Vars.length === 0) return undefined;
  if (file.format === "zarr") return "arco-zarr";
  if (names.has("valid_time")) return "cds-netcdf";
  if (names.has("time")) return "cds-netcdf-legacy";
  return undefined;
}

function notEra5(path: string): FieldbenchError {
  return new FieldbenchError(
    "INVALID_VALUE",
    `${path}: not an ERA5 file: no latitude/longitude grid holding ERA5 variables (t2m, u10, ... or 2m_temperature, ...)`,
    { path },
  );
}

async function readNumbers(file: OpenFile, info: VariableInfo): Promise<Float64Array> {
  return (await readDecoded(file, info.name)).values;
}

async function griddedSource(file: OpenFile): Promise<Era5Source> {
  const layout = detectEra5Layout(file);
  if (layout === undefined) throw notEra5(file.path);
  const byName = new Map(file.variables.map((v) => [v.name, v]));
  const find = (names: string[]) => names.map((n) => byName.get(n)).find((v) => v !== undefined);
  const latInfo = find(LAT_NAMES) as VariableInfo;
  const lonInfo = find(LON_NAMES) as VariableInfo;
  const timeInfo = find(TIME_NAMES);
  const latitude = await readNumbers(file, latInfo);
  const longitude = await readNumbers(file, lonInfo);
  let times: string[] = [];
  if (timeInfo !== undefined) {
    const units = stringAttr(timeInfo.attrs, "units");
    if (units === undefined)
      throw new FieldbenchError("INVALID_VALUE", `${file.path}: ${timeInfo.name} has no units`, { path: file.path });
    const values = await readNumbers(file, timeInfo);
    times = decodeTimes(values, units, stringAttr(timeInfo.attrs, "calendar"), `${file.path}: ${timeInfo.name}`).map(
      (t) => t ?? "",
    );
  }
  const present = file.variables
    .filter(
      (v) => findEra5Variable(v.name) !== undefined && v.dims.includes(latInfo.name) && v.dims.includes(lonInfo.name),
    )
    .map((v) => ({ info: v, vocab: findEra5Variable(v.name) as Era5Variable }));
  const coords = { latitude, longitude };
  const readField = async (variable: string, timeIndex: number): Promise<Field> => {
    const vocab = era5Variable(variable);
    const entry = present.find((p) => p.vocab === vocab);
    if (entry === undefined) {
      throw new FieldbenchError(
        "VARIABLE_NOT_FOUND",
        `${file.path}: no ${vocab.short} (${vocab.long}) in this ${layout} file (has ${present.map((p) => p.info.name).join(", ")})`,
        { path: file.path },
      );
    }
    const { info } = entry;
    const selection: (number | null)[] = [];
    let expverAxis = -1;
    info.dims.forEach((dim, axis) => {
      const size = info.shape[axis] as number;
      if (TIME_NAMES.includes(dim)) {
        if (!Number.isInteger(timeIndex) || timeIndex < 0 || timeIndex >= size) {
          throw new FieldbenchError("BAD_USAGE", `${file.path}: time index ${timeIndex} is outside 0..${size - 1}`, {
            path: file.path,
          });
        }
        selection.push(timeIndex);
      } else if (dim === latInfo.name || dim === lonInfo.name) {
        selection.push(null);
      } else if (dim === "expver" && size > 1) {
        expverAxis = axis;
        selection.push(null);
      } else if (size === 1) {
        selection.push(0);
      } else {
        throw new FieldbenchError(
          "UNSUPPORTED",
          `${file.path}: ${info.name} has a dim ${dim} of size ${size}; fieldbench reads single-level ERA5 fields`,
          { path: file.path },
        );
      }
    });
    let values = (await readDecodedFloat32(file, info.name, selection as Selection)).values;
    const plane = latitude.length * longitude.length;
    // Legacy CDS files mixing ERA5 and ERA5T carry an expver dim: each time has data in one of them.
    if (expverAxis >= 0) values = mergeExpver(values, plane);
    return era5Field(vocab, values.length === plane ? values : values.slice(0, plane), coords, times[timeIndex]);
  };
  return {
    path: file.path,
    layout,
    variables: present.map((p) => p.vocab),
    times,
    latitude,
    longitude,
    readField,
    close: () => file.close(),
  };
}

function mergeExpver(values: Float32Array, plane: number): Float32Array {
  const out = values.slice(0, plane);
  for (let k = plane; k < values.length; k += plane) {
    for (let i = 0; i < plane; i++) if (Number.isNaN(out[i] as number)) out[i] = values[k + i] as number;
  }
  return out;
}

function era5Field(
  vocab: Era5Variable,
  data: Float32Array,
  coords: { latitude: Float64Array; longitude: Float64Array },
  time: string | undefined,
): Field {
  return makeField({
    name: vocab.short,
    data,
    shape: [coords.latitude.length, coords.longitude.length],
    dims: ["latitude", "longitude"],
    coords,
    attrs: {
      long_name: vocab.description,
      standard_name: vocab.standardName,
      units: vocab.units,
      ...(time === undefined ? {} : { time }),
    },
  });
}

function gribMessages(file: OpenFile): Grib2MessageSummary[] {
  return ((file.extra?.grib2 as { messages?: Grib2MessageSummary[] } | undefined)?.messages ??
    []) as Grib2MessageSummary[];
}

/** Valid time of a GRIB message: reference date/time plus the end of its step range, in hours. */
function gribValidTime(m: Grib2MessageSummary): string {
  const y = Math.floor(m.dataDate / 10000);
  const mo = Math.floor(m.dataDate / 100) % 100;
  const d = m.dataDate % 100;
  const hours = Number(m.stepRange.split("-").pop());
  const ms =
    Date.UTC(y, mo - 1, d, Math.floor(m.dataTime / 100), m.dataTime % 100) +
    (Number.isFinite(hours) ? hours : 0) * 3_600_000;
  return new Date(ms).toISOString().replace(/\.000Z$/, "");
}

async function gribSource(file: OpenFile): Promise<Era5Source> {
  const messages = gribMessages(file);
  if (detectEra5Layout(file) === undefined) throw notEra5(file.path);
  const first = messages[0] as Grib2MessageSummary;
  for (const [i, m] of messages.entries()) {
    if (m.grid.Ni !== first.grid.Ni || m.grid.Nj !== first.grid.Nj) {
      throw new FieldbenchError(
        "UNSUPPORTED",
        `${file.path}: message ${i} is on a ${m.grid.Nj} x ${m.grid.Ni} grid, message 0 on ${first.grid.Nj} x ${first.grid.Ni}; one ERA5 source has one grid`,
        { path: file.path },
      );
    }
  }
  const { latitude, longitude } = grib2Coordinates(first.grid);
  const valid = messages.map(gribValidTime);
  const times = [...new Set(valid)].sort();
  const variables = [...new Set(messages.map((m) => findEra5Variable(m.shortName)).filter((v) => v !== undefined))];
  const readField = async (variable: string, timeIndex: number): Promise<Field> => {
    const vocab = era5Variable(variable);
    const time = times[timeIndex];
    if (time === undefined)
      throw new FieldbenchError(
        "BAD_USAGE",
        `${file.path}: time index ${timeIndex} is outside 0..${times.length - 1}`,
        { path: file.path },
      );
    const matches = messages.flatMap((m, i) => (m.shortName === vocab.grib && valid[i] === time ? [i] : []));
    if (matches.length === 0) {
      throw new FieldbenchError("VARIABLE_NOT_FOUND", `${file.path}: no GRIB message of ${vocab.grib} at ${time}`, {
        path: file.path,
      });
    }
    if (matches.length > 1) {
      const levels = matches.map((i) => `${messages[i]?.typeOfLevel} ${messages[i]?.level}`).join(", ");
      throw new FieldbenchError(
        "UNSUPPORTED",
        `${file.path}: ${matches.length} messages of ${vocab.grib} at ${time} (${levels}); fieldbench reads single-level ERA5 fields`,
        { path: file.path },
      );
    }
    const index = matches[0] as number;
    const raw = await file.read(`#${index}`);
    return era5Field(vocab, Float32Array.from(raw.data as Float64Array), { latitude, longitude }, time);
  };
  return {
    path: file.path,
    layout: "cds-grib",
    variables,
    times,
    latitude,
    longitude,
    readField,
    close: () => file.close(),
  };
}
