import { open as openHandle, stat } from "node:fs/promises";
import { type Attrs, FieldbenchError, checkAllocation } from "@fieldbench/core";
import { normalizeSelection } from "../selection.js";
import { isGrib2 } from "../sniff.js";
import type { FormatReader, OpenFile, RawArray, Selection, VariableInfo } from "../types.js";
import { decodeField } from "./decode.js";
import { type ByteSource, type Grib2Field, scanGrib2 } from "./message.js";
import { cfVarName } from "./tables.js";

export { grib2Coordinates } from "./coords.js";
export { aecDecode, type AecParams } from "./aec.js";
export type { ByteSource, Grib2Field, Grib2Grid, Grib2MessageSummary } from "./message.js";

/**
 * GRIB2 reader: each field is a variable of shape [Nj, Ni] and dims latitude/longitude, float64 with NaN where the
 * bitmap says missing, named as cfgrib/xarray name it (eccodes' cfVarName: t2m, u10, msl). A field whose parameter
 * is unknown, or whose name another field of the file shares (levels, steps), is `#N` (0-based, file order); every
 * field also answers to `#N` in `read` and `--var`. Opening reads only the metadata
 * sections; a field's bitmap and data are read when it is.
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
  const dims: Record<string, number> = {};
  const gridDims = new Map<string, [string, string]>();
  const names = variableNames(fields);
  const variables: VariableInfo[] = fields.map((field, i) => {
    const { Ni, Nj } = field.summary.grid;
    const key = `${Nj}x${Ni}`;
    let dimNames = gridDims.get(key);
    if (dimNames === undefined) {
      const suffix = gridDims.size === 0 ? "" : `_${gridDims.size}`;
      dimNames = [`latitude${suffix}`, `longitude${suffix}`];
      gridDims.set(key, dimNames);
      dims[dimNames[0]] = Nj;
      dims[dimNames[1]] = Ni;
    }
    return { name: names[i]!, dtype: "float64", shape: [Nj, Ni], dims: dimNames, attrs: fieldAttrs(field) };
  });
  const read = async (name: string, selection?: Selection): Promise<RawArray> => {
    const field = fields.find((f, i) => names[i] === name || `#${f.index}` === name);
    if (field === undefined)
      throw new FieldbenchError(
        "VARIABLE_NOT_FOUND",
        `${path}: no variable "${name}" (GRIB2 fields are #0 .. #${fields.length - 1})`,
        { path },
      );
    const { Ni, Nj } = field.summary.grid;
    const ranges = normalizeSelection([Nj, Ni], selection, name);
    checkAllocation(Ni * Nj, 8, `${path}: GRIB2 message ${field.messageIndex}`, path);
    const data = await source.read(field.data.offset, field.data.length);
    const bitmap = field.bitmap === undefined ? undefined : await source.read(field.bitmap.offset, field.bitmap.length);
    const values = decodeField(field, { data, ...(bitmap === undefined ? {} : { bitmap }) }, path);
    const [rows, cols] = ranges as [{ start: number; stop: number }, { start: number; stop: number }];
    if (rows.start === 0 && rows.stop === Nj && cols.start === 0 && cols.stop === Ni)
      return { dtype: "float64", shape: [Nj, Ni], data: values };
    const h = rows.stop - rows.start;
    const w = cols.stop - cols.start;
    const out = new Float64Array(h * w);
    for (let r = 0; r < h; r++)
      out.set(values.subarray((rows.start + r) * Ni + cols.start, (rows.start + r) * Ni + cols.stop), r * w);
    return { dtype: "float64", shape: [h, w], data: out };
  };
  return {
    format: "grib2",
    path,
    dims,
    attrs: { edition: 2, centre: fields[0]?.centre ?? "unknown" },
    variables,
    extra: { grib2: { messages: fields.map((f) => f.summary) } },
    read,
    close: async () => {
      await source.close?.();
    },
  };
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
