import { open as openHandle, stat } from "node:fs/promises";
import { type Attrs, FieldbenchError, checkAllocation } from "@fieldbench/core";
import { type NormalizedRange, normalizeSelection } from "../selection.js";
import { isGrib2 } from "../sniff.js";
import type { FormatReader, OpenFile, RawArray, Selection, VariableInfo } from "../types.js";
import { grib2Coordinates } from "./coords.js";
import { decodeField } from "./decode.js";
import type { Grib2Grid } from "./grid.js";
import { type ByteSource, type Grib2Field, scanGrib2 } from "./message.js";
import { cfVarName } from "./tables.js";

export { grib2Coordinates, gaussianLatitudes, type Grib2Coordinates } from "./coords.js";
export { reducedToRegular } from "./regrid.js";
export { aecDecode, type AecParams } from "./aec.js";
export type { ByteSource, Grib2Field, Grib2Grid, Grib2MessageSummary } from "./message.js";

/**
 * GRIB2 reader: each field is a variable, float64 with NaN where the bitmap says missing, named as cfgrib/xarray
 * name it (eccodes' cfVarName: t2m, u10, msl). A field whose parameter is unknown, or whose name another field of
 * the file shares (levels, steps), is `#N` (0-based, file order); every field also answers to `#N` in `read` and
 * `--var`. Dims and coordinates follow the grid (layoutGrids). Opening reads only the metadata sections; a field's
 * bitmap and data are read when it is.
 */
export const reader: FormatReader = {
  format: "grib2",
  sniff: (probe) => !probe.isDirectory && !probe.isUrl && isGrib2(probe.head),
  open: async (path) => openGrib2(await fileSource(path), path),
};

async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const size = Number((await stat(path)).size);
  const handle = await openHandle(path, "r");
  return {
    size,
    read: async (offset, length) => {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      if (bytesRead < length)
        throw new FieldbenchError(
          "CORRUPT_FILE",
          `${path}: ends at byte ${offset + bytesRead}, inside a GRIB2 message`,
          { path },
        );
      return buffer;
    },
    close: () => handle.close(),
  };
}

/** Opens GRIB2 bytes from any source (a file, or a buffer in tests and fuzzing). */
export async function openGrib2(source: ByteSource & { close?(): Promise<void> }, path: string): Promise<OpenFile> {
  let fields: Grib2Field[];
  try {
    fields = await scanGrib2(source, path);
  } catch (err) {
    await source.close?.();
    throw err;
  }
  const layout = layoutGrids(fields);
  const names = variableNames(fields);
  const readField = async (field: Grib2Field, name: string, selection?: Selection): Promise<RawArray> => {
    const shape = field.geometry.shape;
    const ranges = normalizeSelection(shape, selection, name);
    checkAllocation(field.geometry.points, 8, `${path}: GRIB2 message ${field.messageIndex}`, path);
    const data = await source.read(field.data.offset, field.data.length);
    const bitmap = field.bitmap === undefined ? undefined : await source.read(field.bitmap.offset, field.bitmap.length);
    const values = decodeField(field, { data, ...(bitmap === undefined ? {} : { bitmap }) }, path);
    return sliceValues(values, shape, ranges);
  };
  const read = async (name: string, selection?: Selection): Promise<RawArray> => {
    const field = fields.find((f, i) => names[i] === name || `#${f.index}` === name);
    if (field !== undefined) return readField(field, name, selection);
    const coordinate = layout.coordinates.get(name);
    if (coordinate !== undefined) {
      const coords = grib2Coordinates(coordinate.grid);
      const values = coordinate.axis === "latitude" ? coords.latitude : coords.longitude;
      return sliceValues(values, coordinate.shape, normalizeSelection(coordinate.shape, selection, name));
    }
    throw new FieldbenchError(
      "VARIABLE_NOT_FOUND",
      `${path}: no variable "${name}" (GRIB2 fields are #0 .. #${fields.length - 1})`,
      { path },
    );
  };
  return {
    format: "grib2",
    path,
    dims: layout.dims,
    attrs: { edition: 2, centre: fields[0]?.centre ?? "unknown" },
    variables: [...layout.fieldInfo(fieldAttrs, names), ...layout.coordinateInfo],
    extra: { grib2: { messages: fields.map((f) => f.summary) } },
    read,
    close: async () => {
      await source.close?.();
    },
  };
}

interface CoordinateVariable {
  readonly grid: Grib2Grid;
  readonly axis: "latitude" | "longitude";
  readonly shape: readonly number[];
}

/**
 * Dims per distinct grid, named as cfgrib names them: latitude/longitude for regular lat-lon and
 * Gaussian grids (their coordinates are axes, from `grib2Coordinates`); y/x for rotated and projected
 * grids and `values` for reduced grids, each with 2-D (or per-point) latitude and longitude variables;
 * `coefficients` for spherical harmonics. A second grid's names get a suffix (_1, _2, ...).
 */
function layoutGrids(fields: readonly Grib2Field[]) {
  const dims: Record<string, number> = {};
  const byGrid = new Map<string, string[]>();
  const coordinates = new Map<string, CoordinateVariable>();
  const coordinateInfo: VariableInfo[] = [];
  const dimsOf = (field: Grib2Field): string[] => {
    const { grid, shape } = field.geometry;
    // Regular lat-lon grids of one size share their dims, as before other grids were read.
    const key = grid.gridType === "regular_ll" ? `${grid.Nj}x${grid.Ni}` : JSON.stringify(grid);
    const known = byGrid.get(key);
    if (known !== undefined) return known;
    const suffix = byGrid.size === 0 ? "" : `_${byGrid.size}`;
    const base = dimBaseNames(grid);
    const names = base.map((b) => `${b}${suffix}`);
    names.forEach((name, axis) => {
      dims[name] = shape[axis] as number;
    });
    byGrid.set(key, names);
    if (!AXIS_GRIDS.has(grid.gridType) && grid.gridType !== "sh") {
      for (const axis of ["latitude", "longitude"] as const) {
        const name = `${axis}${suffix}`;
        coordinates.set(name, { grid, axis, shape });
        coordinateInfo.push({
          name,
          dtype: "float64",
          shape: [...shape],
          dims: names,
          attrs: { units: axis === "latitude" ? "degrees_north" : "degrees_east", standard_name: axis },
        });
      }
    }
    return names;
  };
  const fieldDims = fields.map(dimsOf);
  return {
    dims,
    coordinates,
    coordinateInfo,
    fieldInfo: (attrs: (f: Grib2Field) => Attrs, names: readonly string[]): VariableInfo[] =>
      fields.map((field, i) => ({
        name: names[i] as string,
        dtype: "float64",
        shape: [...field.geometry.shape],
        dims: fieldDims[i] as string[],
        attrs: attrs(field),
      })),
  };
}

/** Grids whose coordinates are 1-D axes named like their dims. */
const AXIS_GRIDS = new Set(["regular_ll", "regular_gg"]);

function dimBaseNames(grid: Grib2Grid): string[] {
  if (AXIS_GRIDS.has(grid.gridType)) return ["latitude", "longitude"];
  if (grid.gridType === "sh") return ["coefficients"];
  if (grid.gridType === "reduced_gg" || grid.gridType === "reduced_ll") return ["values"];
  return ["y", "x"];
}

/** A 1-D range or a 2-D block of row-major values. */
function sliceValues(values: Float64Array, shape: readonly number[], ranges: readonly NormalizedRange[]): RawArray {
  const whole = ranges.every((r, axis) => r.start === 0 && r.stop === shape[axis]);
  if (whole) return { dtype: "float64", shape: [...shape], data: values };
  if (shape.length === 1) {
    const r = ranges[0] as NormalizedRange;
    return { dtype: "float64", shape: [r.stop - r.start], data: values.slice(r.start, r.stop) };
  }
  const [rows, cols] = ranges as [NormalizedRange, NormalizedRange];
  const width = shape[1] as number;
  const h = rows.stop - rows.start;
  const w = cols.stop - cols.start;
  const out = new Float64Array(h * w);
  for (let r = 0; r < h; r++)
    out.set(values.subarray((rows.start + r) * width + cols.start, (rows.start + r) * width + cols.stop), r * w);
  return { dtype: "float64", shape: [h, w], data: out };
}

function fieldAttrs(field: Grib2Field): Attrs {
  const s = field.summary;
  return {
    shortName: s.shortName,
    long_name: field.name,
    units: field.units,
    typeOfLevel: s.typeOfLevel,
    level: s.level,
    dataDate: s.dataDate,
    dataTime: s.dataTime,
    stepRange: s.stepRange,
    packingType: s.packingType,
    discipline: field.discipline,
    parameterCategory: field.parameterCategory,
    parameterNumber: field.parameterNumber,
    productDefinitionTemplateNumber: field.productDefinitionTemplateNumber,
    ...(field.perturbationNumber === undefined ? {} : { perturbationNumber: field.perturbationNumber }),
    message: field.messageIndex,
  };
}

/** cfVarName when it names one field only; `#N` for unknown parameters and names several fields share. */
function variableNames(fields: readonly Grib2Field[]): string[] {
  const wanted = fields.map((f) => (f.summary.shortName === "unknown" ? undefined : cfVarName(f.summary.shortName)));
  const count = new Map<string, number>();
  for (const n of wanted) if (n !== undefined) count.set(n, (count.get(n) ?? 0) + 1);
  return fields.map((f, i) => {
    const n = wanted[i];
    return n !== undefined && count.get(n) === 1 ? n : `#${f.index}`;
  });
}
