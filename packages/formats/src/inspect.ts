import { type AttrValue, type Attrs, FieldbenchError, type NumericArray, shapeSize } from "@fieldbench/core";
import { stringAttr } from "./cf/attrs.js";
import { decodeVariable } from "./cf/decode.js";
import { decodeOptionsFor, readDecoded } from "./cf/read.js";
import { decodeTimes, isTimeUnits } from "./cf/time.js";
import type { OpenFile, Selection, VariableInfo } from "./types.js";

/** `fieldbench inspect --json` (docs/cli.md): format, dims, attrs, variables, plus the format's own block. */
export interface InspectReport {
  format: string;
  dims: Record<string, number>;
  attrs: Record<string, unknown>;
  variables: { name: string; dtype: string; shape: number[]; dims: string[]; attrs: Record<string, unknown> }[];
  [formatBlock: string]: unknown;
}

export function describeFile(file: OpenFile): InspectReport {
  return {
    format: file.format,
    dims: { ...file.dims },
    attrs: jsonAttrs(file.attrs),
    variables: file.variables.map((v) => ({
      name: v.name,
      dtype: v.dtype,
      shape: [...v.shape],
      dims: [...v.dims],
      attrs: jsonAttrs(v.attrs),
      ...(v.userType === undefined ? {} : { userType: v.userType }),
    })),
    ...(file.extra ?? {}),
  };
}

/** Attributes as JSON: bigints as numbers where exact (else strings), typed arrays as arrays. */
export function jsonAttrs(attrs: Attrs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) out[key] = jsonValue(value);
  return out;
}

function jsonValue(value: AttrValue | unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, jsonValue);
  if (Array.isArray(value)) return value.map(jsonValue);
  return value;
}

export function findVariable(file: OpenFile, name: string): VariableInfo {
  const found =
    file.variables.find((v) => v.name === name || v.name === name.replace(/^\//, "")) ?? gribIndexAlias(file, name);
  if (found === undefined) {
    const names = file.variables.map((v) => v.name);
    const list = names.length > 12 ? `${names.slice(0, 12).join(", ")}, ...` : names.join(", ");
    throw new FieldbenchError(
      "VARIABLE_NOT_FOUND",
      `${file.path}: no variable "${name}" (variables: ${list || "none"})`,
      {
        path: file.path,
      },
    );
  }
  return found;
}

/** `#N`, the N-th GRIB2 message in file order: the name every GRIB2 field answers to besides its cfVarName. */
function gribIndexAlias(file: OpenFile, name: string): VariableInfo | undefined {
  const m = /^#(\d+)$/.exec(name);
  return file.format === "grib2" && m ? file.variables[Number(m[1])] : undefined;
}

/** `inspect --var NAME --stats --json`, after CF decoding. `first`/`last` are the first and last elements (null if masked). */
export interface VariableStats {
  name: string;
  shape: number[];
  count: number;
  missing: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  sum: number;
  first: number | null;
  last: number | null;
  /**
   * Statistics per index of the channel/level axis (as xarray's `.mean(dim=[other dims])`): axis 1 of a rank-4
   * variable ([N, C, H, W], [time, level, lat, lon]), axis 0 of a rank-3 one ([C, H, W]). Absent for rank < 3
   * or an axis longer than MAX_PER_CHANNEL.
   */
  perChannel?: ChannelStats[];
  /** The dim `perChannel` runs along. */
  perChannelDim?: string;
}

export interface ChannelStats {
  index: number;
  count: number;
  missing: number;
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** Beyond this many channels/levels a per-index table stops being a summary. */
const MAX_PER_CHANNEL = 256;

function channelAxis(shape: readonly number[]): number | undefined {
  const axis = shape.length === 4 ? 1 : shape.length === 3 ? 0 : undefined;
  return axis !== undefined && (shape[axis] as number) <= MAX_PER_CHANNEL ? axis : undefined;
}

/** Sums per channel; `add` takes slabs in file order, so the element offset says the channel. */
function channelAccumulator(shape: readonly number[], axis: number) {
  const n = shape[axis] as number;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const acc = Array.from({ length: n }, () => ({ count: 0, missing: 0, min: Infinity, max: -Infinity, sum: 0 }));
  let offset = 0;
  return {
    add(values: Float64Array): void {
      let i = 0;
      while (i < values.length) {
        const c = acc[Math.floor((offset + i) / inner) % n]!;
        const end = Math.min(values.length, i + inner - ((offset + i) % inner));
        for (; i < end; i++) {
          const v = values[i] as number;
          if (Number.isNaN(v)) c.missing++;
          else {
            c.count++;
            c.sum += v;
            if (v < c.min) c.min = v;
            if (v > c.max) c.max = v;
          }
        }
      }
      offset += values.length;
    },
    result: (): ChannelStats[] =>
      acc.map((c, index) => ({
        index,
        count: c.count,
        missing: c.missing,
        min: c.count > 0 ? c.min : null,
        max: c.count > 0 ? c.max : null,
        mean: c.count > 0 ? c.sum / c.count : null,
      })),
  };
}

/** Elements read per slab: bounds memory for a [N, 2048, 2048] variable to one or a few snapshots. */
const SLAB_ELEMENTS = 1 << 24;

/** Streams a variable slab by slab along its first dim and accumulates decoded statistics. */
export async function variableStats(file: OpenFile, name: string): Promise<VariableStats> {
  const info = findVariable(file, name);
  if (info.dtype === "string" || info.dtype === "char") {
    throw new FieldbenchError("INVALID_VALUE", `${file.path}: variable ${name} holds text; --stats needs numbers`);
  }
  const stats = { count: 0, missing: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, sum: 0 };
  let first: number | null = null;
  let last: number | null = null;
  let seenAny = false;
  const axis = channelAxis(info.shape);
  const channels = axis === undefined ? undefined : channelAccumulator(info.shape, axis);
  for await (const values of decodedSlabs(file, info)) {
    channels?.add(values);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!seenAny) {
        first = Number.isNaN(v) ? null : v;
        seenAny = true;
      }
      if (Number.isNaN(v)) {
        stats.missing++;
        continue;
      }
      stats.count++;
      stats.sum += v;
      if (v < stats.min) stats.min = v;
      if (v > stats.max) stats.max = v;
    }
    if (values.length > 0) {
      const v = values[values.length - 1] as number;
      last = Number.isNaN(v) ? null : v;
    }
  }
  const some = stats.count > 0;
  return {
    name: info.name,
    shape: [...info.shape],
    count: stats.count,
    missing: stats.missing,
    min: some ? stats.min : null,
    max: some ? stats.max : null,
    mean: some ? stats.sum / stats.count : null,
    sum: stats.sum,
    first,
    last,
    ...(channels === undefined
      ? {}
      : { perChannelDim: info.dims[axis!] ?? `dim_${axis}`, perChannel: channels.result() }),
  };
}

/**
 * --stats streams, so memory is bounded whatever the size; time is not: a declared 10^12-element variable (a sparse
 * Zarr array, a hostile header) would scan for hours. Beyond this many elements (100 x 2048² x 3 x 4 bytes ~ 5 GB of
 * float32 several times over) stats are refused; FIELDBENCH_MAX_STATS_ELEMENTS raises the bound.
 */
const MAX_STATS_ELEMENTS = 1e10;

async function* decodedSlabs(file: OpenFile, info: VariableInfo): AsyncGenerator<Float64Array> {
  const total = shapeSize(info.shape, info.name);
  const limit = Number(process.env.FIELDBENCH_MAX_STATS_ELEMENTS ?? MAX_STATS_ELEMENTS);
  if (total > limit) {
    throw new FieldbenchError(
      "TOO_LARGE",
      `${file.path}: variable ${info.name} declares ${total.toExponential(3)} elements; --stats scans at most ${limit.toExponential(1)} (raise FIELDBENCH_MAX_STATS_ELEMENTS)`,
      { path: file.path },
    );
  }
  if (info.shape.length === 0 || total <= SLAB_ELEMENTS) {
    yield (await readDecoded(file, info.name)).values;
    return;
  }
  const rowElements = total / (info.shape[0] as number);
  const rowsPerSlab = Math.max(1, Math.floor(SLAB_ELEMENTS / Math.max(1, rowElements)));
  for (let start = 0; start < (info.shape[0] as number); start += rowsPerSlab) {
    const stop = Math.min(info.shape[0] as number, start + rowsPerSlab);
    const selection: Selection = [[start, stop]];
    yield (await readDecoded(file, info.name, selection)).values;
  }
}

/** `inspect --var NAME --values --json`: decoded numbers (null for missing), or ISO-8601 times for a CF time variable. */
export interface VariableValues {
  name: string;
  shape: number[];
  dims: string[];
  units?: string;
  calendar?: string;
  values: (number | string | null)[];
}

export async function variableValues(file: OpenFile, name: string): Promise<VariableValues> {
  const info = findVariable(file, name);
  const raw = await file.read(info.name);
  const units = stringAttr(info.attrs, "units");
  const base = {
    name: info.name,
    shape: [...raw.shape],
    dims: [...info.dims],
    ...(units === undefined ? {} : { units }),
  };
  if (!ArrayBuffer.isView(raw.data)) return { ...base, values: [...(raw.data as readonly string[])] };
  const decoded = decodeVariable(raw.data as NumericArray, info.attrs, info.name, decodeOptionsFor(file)).values;
  if (isTimeUnits(units)) {
    const calendar = stringAttr(info.attrs, "calendar") ?? "standard";
    return { ...base, calendar, values: decodeTimes(decoded, units as string, calendar, `${file.path}: ${info.name}`) };
  }
  return { ...base, values: Array.from(decoded, (v) => (Number.isNaN(v) ? null : v)) };
}

/** A human header in the manner of `ncdump -h`. */
export function formatHeader(file: OpenFile): string {
  const lines: string[] = [`${file.format} ${file.path} {`];
  const dims = Object.entries(file.dims);
  if (dims.length > 0) {
    lines.push("dimensions:");
    for (const [name, size] of dims) lines.push(`\t${name} = ${size} ;`);
  }
  // segyio users look for the geometry and the binary header first; the ~90 trace-header fields come last, one
  // line each, where they no longer bury the rest.
  const segy = file.format === "segy";
  const traceFields = segy ? file.variables.filter(isTraceHeaderField) : [];
  if (segy) lines.push(...extraLines(file, ["geometry", "binaryHeader"]));
  const variables = file.variables.filter((v) => !traceFields.includes(v));
  if (variables.length > 0) {
    lines.push("variables:");
    for (const v of variables) lines.push(...variableLines(v));
  }
  if (traceFields.length > 0) {
    lines.push("", "// trace header fields, one value per trace (read one with --var NAME --values):");
    for (const v of traceFields) lines.push(`\t${v.dtype} ${v.name}(${v.dims.join(", ")}) ; // byte ${v.attrs.byte}`);
  }
  const globals = Object.entries(file.attrs);
  if (globals.length > 0) {
    lines.push("", "// global attributes:");
    for (const [key, value] of globals) lines.push(`\t\t:${key} = ${attrText(value)} ;`);
  }
  if (!segy) lines.push(...extraLines(file, []));
  lines.push("}");
  return lines.join("\n");
}

function variableLines(v: VariableInfo): string[] {
  const dimText = v.dims.length > 0 ? `(${v.dims.join(", ")})` : "";
  const lines = [`\t${v.dtype} ${v.name}${dimText} ;`];
  for (const [key, value] of Object.entries(v.attrs)) lines.push(`\t\t${v.name}:${key} = ${attrText(value)} ;`);
  const storage = [
    v.chunks === undefined ? undefined : `chunks [${v.chunks.join(", ")}]`,
    v.filters === undefined || v.filters.length === 0 ? undefined : `filters ${v.filters.join(", ")}`,
  ].filter((s) => s !== undefined);
  if (storage.length > 0) lines.push(`\t\t// ${storage.join("; ")}`);
  return lines;
}

function isTraceHeaderField(v: VariableInfo): boolean {
  return v.dims.length === 1 && v.dims[0] === "trace" && typeof v.attrs.byte === "number";
}

/** The extra blocks (segy, era5, ...) as `//` comments; keys named in `lead` come first within each block. */
function extraLines(file: OpenFile, lead: readonly string[]): string[] {
  const lines: string[] = [];
  const rank = (key: string) => (lead.includes(key) ? lead.indexOf(key) : lead.length);
  for (const [block, value] of Object.entries(file.extra ?? {})) {
    const ordered =
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => rank(a) - rank(b)))
        : value;
    lines.push("", `// ${block}:`);
    for (const line of JSON.stringify(jsonValue(ordered), null, 2).split("\n")) lines.push(`//   ${line}`);
  }
  return lines;
}

function attrText(value: AttrValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ");
  return String(value);
}
