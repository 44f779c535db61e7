import type { DType, NumericDType } from "@fieldbench/core";
import { FieldbenchError } from "@fieldbench/core";
import { normalizeSelection } from "../selection.js";
import { isSegy } from "../sniff.js";
import type { FormatReader, OpenFile, OpenOptions, RawArray, Selection, VariableInfo } from "../types.js";
import { TRACE_FIELDS } from "./fields.js";
import type { SegyGeometry } from "./geometry.js";
import { SegyFile, type SegyOpenOptions } from "./segy-file.js";

export { SegyFile, fieldAt, type SegyOpenOptions } from "./segy-file.js";
export { analyzeGeometry, type GeometryKind, type SegyGeometry } from "./geometry.js";
export { BINARY_FIELDS, TRACE_FIELDS, type HeaderField } from "./fields.js";
export { SAMPLE_FORMATS, ibmToFloat, type SampleFormat } from "./sample-formats.js";
export type { SegyLayout } from "./header.js";

/** docs/cli.md's `segy` block of `inspect --json`, plus the binary header and a geometry summary. */
export function segyBlock(file: SegyFile, geometry: SegyGeometry | undefined): Record<string, unknown> {
  const l = file.layout;
  return {
    revision: l.revision,
    sampleFormat: l.format.code,
    sampleFormatName: l.format.name,
    endianness: l.littleEndian ? "little" : "big",
    samplesPerTrace: l.samplesPerTrace,
    sampleIntervalUs: l.sampleIntervalUs,
    traceCount: l.traceCount,
    textualHeader: l.textualHeader,
    textualEncoding: l.textualEncoding,
    extendedTextualHeaders: [...l.extendedTextualHeaders],
    binaryHeader: { ...l.binaryHeader },
    ...(geometry === undefined ? {} : { geometry: geometrySummary(file, geometry) }),
  };
}

function geometrySummary(file: SegyFile, g: SegyGeometry): Record<string, unknown> {
  const range = (v: Int32Array) => (v.length === 0 ? null : [v[0], v[v.length - 1]]);
  return {
    kind: g.kind,
    sorting: g.sorting,
    inlineByte: file.inlineField[1],
    crosslineByte: file.crosslineField[1],
    inlines: g.inlines.length,
    crosslines: g.crosslines.length,
    offsets: g.offsets.length,
    inlineRange: range(g.inlines),
    crosslineRange: range(g.crosslines),
    missing: g.missing,
    missingCells: missingCells(g, 100),
    duplicates: g.duplicates,
    reason: g.reason,
  };
}

/** The first `limit` [inline, crossline] cells without a trace. */
function missingCells(g: SegyGeometry, limit: number): [number, number][] {
  const out: [number, number][] = [];
  const nx = g.crosslines.length;
  for (let cell = 0; cell < g.traceIndex.length && out.length < limit; cell++) {
    if (g.traceIndex[cell] === -1)
      out.push([g.inlines[Math.floor(cell / nx)] as number, g.crosslines[cell % nx] as number]);
  }
  return out;
}

/** Numeric options from `inspect --inline-byte/--crossline-byte` or programmatic callers. */
function segyOptions(options: OpenOptions): SegyOpenOptions {
  const pick = (key: string) => (typeof options[key] === "number" ? (options[key] as number) : undefined);
  const inlineByte = pick("inlineByte");
  const crosslineByte = pick("crosslineByte");
  const offsetByte = pick("offsetByte");
  return {
    ...(inlineByte === undefined ? {} : { inlineByte }),
    ...(crosslineByte === undefined ? {} : { crosslineByte }),
    ...(offsetByte === undefined ? {} : { offsetByte }),
    ...(options.ignoreGeometry === true ? { ignoreGeometry: true } : {}),
  };
}

/**
 * `data` is [trace, sample], or [inline, crossline, sample] when the traces form a complete sorted cube
 * (then `inline`, `crossline` and `sample` coordinate variables come too). Every trace header field is a
 * [trace] variable named as segyio names it.
 */
async function openSegyFile(path: string, options: OpenOptions = {}): Promise<OpenFile> {
  const opts = segyOptions(options);
  const segy = await SegyFile.open(path, opts);
  try {
    return await describeSegy(segy, opts.ignoreGeometry ? undefined : await segy.geometry());
  } catch (err) {
    await segy.close();
    throw err;
  }
}

async function describeSegy(segy: SegyFile, geometry: SegyGeometry | undefined): Promise<OpenFile> {
  const path = segy.path;
  const { traceCount, samplesPerTrace, format } = segy.layout;
  const isCube = geometry?.kind === "cube";
  const sampleAxis = await segy.sampleAxis();
  const dataDims = isCube ? ["inline", "crossline", "sample"] : ["trace", "sample"];
  const dataShape = isCube
    ? [geometry.inlines.length, geometry.crosslines.length, samplesPerTrace]
    : [traceCount, samplesPerTrace];
  const variables: VariableInfo[] = [
    { name: "data", dtype: format.dtype, shape: dataShape, dims: dataDims, attrs: { sample_format: format.name } },
    ...TRACE_FIELDS.map(
      ([name, byte, width]): VariableInfo => ({
        name,
        dtype: width === 2 ? "int16" : "int32",
        shape: [traceCount],
        dims: ["trace"],
        attrs: { byte, bytes: width },
      }),
    ),
  ];
  const coords: Record<
    string,
    { dtype: NumericDType; values: Int32Array | Float64Array; attrs: Record<string, string> }
  > = {
    sample: { dtype: "float64", values: sampleAxis, attrs: { units: "ms", long_name: "sample time or depth" } },
  };
  if (isCube) {
    coords.inline = { dtype: "int32", values: geometry.inlines, attrs: { long_name: "inline number" } };
    coords.crossline = { dtype: "int32", values: geometry.crosslines, attrs: { long_name: "crossline number" } };
  }
  for (const [name, c] of Object.entries(coords)) {
    variables.push({ name, dtype: c.dtype, shape: [c.values.length], dims: [name], attrs: c.attrs });
  }
  const dims: Record<string, number> = { trace: traceCount, sample: samplesPerTrace };
  if (isCube) Object.assign(dims, { inline: dataShape[0], crossline: dataShape[1] });

  const read = async (name: string, selection?: Selection): Promise<RawArray> => {
    const info = variables.find((v) => v.name === name);
    if (info === undefined) {
      throw new FieldbenchError("VARIABLE_NOT_FOUND", `${path}: no variable "${name}"`, { path });
    }
    const ranges = normalizeSelection(info.shape, selection, name);
    const shape = ranges.map((r) => r.stop - r.start);
    const coord = coords[name];
    if (coord !== undefined) {
      const r = ranges[0] as { start: number; stop: number };
      return { dtype: coord.dtype, shape, data: coord.values.slice(r.start, r.stop) };
    }
    if (name === "data") {
      const s = ranges[ranges.length - 1] as { start: number; stop: number };
      if (isCube) {
        const [ri, rx] = ranges as [{ start: number; stop: number }, { start: number; stop: number }];
        const nx = geometry.crosslines.length;
        const indices = new Int32Array((ri.stop - ri.start) * (rx.stop - rx.start));
        let k = 0;
        for (let i = ri.start; i < ri.stop; i++) {
          for (let x = rx.start; x < rx.stop; x++) indices[k++] = geometry.traceIndex[i * nx + x] as number;
        }
        return { dtype: format.dtype, shape, data: await segy.readTraceList(indices, s.start, s.stop) };
      }
      const t = ranges[0] as { start: number; stop: number };
      return { dtype: format.dtype, shape, data: await segy.readTraces(t.start, t.stop, s.start, s.stop) };
    }
    const field = TRACE_FIELDS.find(([n]) => n === name);
    const t = ranges[0] as { start: number; stop: number };
    const [values] = await segy.readHeaderFields([field as (typeof TRACE_FIELDS)[number]], t.start, t.stop);
    return { dtype: info.dtype as DType, shape, data: values as Int16Array | Int32Array };
  };

  return {
    format: "segy",
    path,
    dims,
    attrs: {},
    variables,
    extra: { segy: segyBlock(segy, geometry) },
    read,
    close: () => segy.close(),
  };
}

export const reader: FormatReader = {
  format: "segy",
  sniff: (probe) => isSegy(probe.head),
  open: openSegyFile,
};

/** Opens a SEG-Y file with the full streaming API (loaders build cubes, masks and gathers on it). */
export function openSegy(path: string, options: SegyOpenOptions = {}): Promise<SegyFile> {
  return SegyFile.open(path, options);
}
