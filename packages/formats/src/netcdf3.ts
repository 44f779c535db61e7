import { type FileHandle, open as openHandle } from "node:fs/promises";
import {
  FieldbenchError,
  type NumericArray,
  type NumericDType,
  checkAllocation,
  maxAllocationBytes,
} from "@fieldbench/core";
import { HeaderNeedsMore, NC_TYPES, type Nc3Header, type Nc3Var, parseNc3Header } from "./netcdf3-header.js";
import { type NormalizedRange, normalizeSelection, selectionShape } from "./selection.js";
import { isNetcdf3 } from "./sniff.js";
import type { FormatReader, OpenFile, RawArray, Selection, VariableInfo } from "./types.js";

/**
 * NetCDF3 reader for classic (CDF1), 64-bit offset (CDF2) and 64-bit data (CDF5) files. The header is
 * parsed by netcdf3-header.ts; data are read lazily through a file handle, only the byte runs a hyperslab
 * covers, decoded from big-endian straight into typed arrays. netcdfjs (classic + 64-bit offset only, plain
 * JS arrays) serves as the independent cross-check in the tests.
 */

/** Where one variable's values live in the file. */
interface VarLayout {
  readonly info: VariableInfo;
  readonly dtype: NumericDType | "char";
  readonly elementSize: number;
  readonly begin: number;
  /** Byte distance between consecutive indices of each axis (recsize for a record variable's first axis). */
  readonly byteStrides: readonly number[];
}

const FIRST_HEADER_READ = 64 * 1024;
/** Runs closer than this are read in one call and the gap thrown away (cheaper than another syscall). */
const GAP_BYTES = 64 * 1024;
/** Upper bound of one gathered read: bounds the scratch buffer of scattered selections. */
const WINDOW_BYTES = 8 * 1024 * 1024;

const VERSION_NAMES = { 1: "classic", 2: "64-bit offset", 5: "64-bit data (CDF5)" } as const;

export const reader: FormatReader = {
  format: "netcdf3",
  sniff: (probe) => isNetcdf3(probe.head),
  open: openNetcdf3,
};

async function openNetcdf3(path: string): Promise<OpenFile> {
  const handle = await openHandle(path, "r").catch((cause: unknown) => {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot be opened (${(cause as Error).message})`, {
      path,
      cause,
    });
  });
  try {
    const fileSize = (await handle.stat()).size;
    const header = await readHeader(handle, fileSize, path);
    const { layouts, dims, recordDim } = layoutVariables(header, fileSize, path);
    let closed = false;
    return {
      format: "netcdf3",
      path,
      dims,
      attrs: header.attrs,
      variables: layouts.map((l) => l.info),
      extra: { netcdf3: { version: VERSION_NAMES[header.version], unlimited: recordDim ?? null } },
      read: async (name, selection) => {
        const layout = layouts.find((l) => l.info.name === name);
        if (layout === undefined) {
          throw new FieldbenchError("VARIABLE_NOT_FOUND", `${path}: no variable "${name}"`, { path });
        }
        return readVariable(handle, layout, selection, path);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Reads a prefix of the file and parses it, growing the prefix until the whole header fits. */
async function readHeader(handle: FileHandle, fileSize: number, path: string): Promise<Nc3Header> {
  let length = Math.min(fileSize, FIRST_HEADER_READ);
  for (;;) {
    checkAllocation(length, 1, `${path}: NetCDF3 header`, path);
    const bytes = new Uint8Array(length);
    await readFully(handle, bytes, 0, length, 0, path, "the header");
    try {
      return parseNc3Header(bytes, fileSize, path);
    } catch (err) {
      if (!(err instanceof HeaderNeedsMore)) throw err;
      length = Math.min(fileSize, Math.max(length * 2, err.needBytes));
    }
  }
}

function pad4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/**
 * Shapes and byte strides of every variable, checked against the file size before anything is read:
 * a record variable's values interleave with the others' record by record, `recsize` bytes apart, except
 * that a lone record variable is stored without padding (netCDF-C's NC_computeshapes).
 */
function layoutVariables(
  header: Nc3Header,
  fileSize: number,
  path: string,
): { layouts: VarLayout[]; dims: Record<string, number>; recordDim: string | undefined } {
  const recordId = header.dims.findIndex((d) => d.length === 0);
  const isRecord = (v: Nc3Var) => recordId >= 0 && v.dimIds[0] === recordId;
  const recordBytesOf = (v: Nc3Var) =>
    product(v.dimIds.slice(isRecord(v) ? 1 : 0).map((id) => header.dims[id]?.length ?? 0)) *
    (NC_TYPES[v.ncType]?.size ?? 1);
  const recordVars = header.vars.filter(isRecord);
  const recsize =
    recordVars.length === 1
      ? recordBytesOf(recordVars[0] as Nc3Var)
      : recordVars.reduce((sum, v) => sum + pad4(recordBytesOf(v)), 0);
  // A reduce, not Math.min(...list): a hostile header may declare more variables than a call takes arguments.
  const beginRec = recordVars.reduce((min, v) => Math.min(min, v.begin), Number.POSITIVE_INFINITY);
  const numrecs =
    header.numrecs ?? (recsize > 0 && fileSize > beginRec ? Math.floor((fileSize - beginRec) / recsize) : 0);
  const dims: Record<string, number> = {};
  for (const d of header.dims) dims[d.name] = d.length === 0 ? numrecs : d.length;
  const layouts = header.vars.map((v) => layoutOf(v, header, numrecs, recsize, isRecord(v), fileSize, path));
  return { layouts, dims, recordDim: recordId >= 0 ? header.dims[recordId]?.name : undefined };
}

function layoutOf(
  v: Nc3Var,
  header: Nc3Header,
  numrecs: number,
  recsize: number,
  record: boolean,
  fileSize: number,
  path: string,
): VarLayout {
  const type = NC_TYPES[v.ncType] as { dtype: NumericDType | "char"; size: number };
  const dimNames = v.dimIds.map((id) => header.dims[id]?.name as string);
  const shape = v.dimIds.map((id) => (header.dims[id]?.length || numrecs) as number);
  if (record) shape[0] = numrecs;
  const byteStrides = new Array<number>(shape.length);
  let stride = type.size;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    byteStrides[axis] = stride;
    stride *= shape[axis] as number;
  }
  const count = product(shape);
  const recordBytes = record ? product(shape.slice(1)) * type.size : 0;
  if (record) byteStrides[0] = recsize;
  if (v.begin < header.headerBytes) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${path}: variable ${v.name} begins at byte ${v.begin}, inside the ${header.headerBytes}-byte header`,
      { path },
    );
  }
  const end = record
    ? numrecs > 0
      ? v.begin + (numrecs - 1) * recsize + recordBytes
      : v.begin
    : v.begin + count * type.size;
  if (!(end <= fileSize)) {
    // A declaration beyond anything we would allocate is TOO_LARGE; a plausible one cut short is CORRUPT.
    if (!Number.isFinite(count * type.size) || count * type.size > maxAllocationBytes()) {
      checkAllocation(count, type.size, `${path}: variable ${v.name}`, path);
    }
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${path}: variable ${v.name} needs bytes up to ${end}, beyond the end of the ${fileSize}-byte file`,
      { path },
    );
  }
  return {
    info: { name: v.name, dtype: type.dtype, shape, dims: dimNames, attrs: v.attrs },
    dtype: type.dtype,
    elementSize: type.size,
    begin: v.begin,
    byteStrides,
  };
}

async function readVariable(
  handle: FileHandle,
  layout: VarLayout,
  selection: Selection | undefined,
  path: string,
): Promise<RawArray> {
  const { info, dtype, elementSize } = layout;
  const ranges = normalizeSelection(info.shape, selection, info.name);
  const shape = selectionShape(ranges);
  const count = product(shape);
  checkAllocation(count, elementSize, `${path}: variable ${info.name}`, path);
  if (dtype === "char") {
    const bytes = new Uint8Array(count);
    await gather(handle, layout, ranges, bytes, path);
    return { dtype: "char", shape: shape.slice(0, -1), data: charRows(bytes, shape) };
  }
  const data = uninitializedArray(dtype, count);
  await gather(handle, layout, ranges, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), path);
  toNativeOrder(data, elementSize);
  return { dtype, shape, data };
}

const ARRAY_TYPES = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

/** A typed array whose memory is not zeroed first: gather writes every byte of it (a third of a 2048² read). */
function uninitializedArray(dtype: NumericDType, count: number): NumericArray {
  const bytes = Buffer.allocUnsafeSlow(count * ARRAY_TYPES[dtype].BYTES_PER_ELEMENT);
  return new ARRAY_TYPES[dtype](bytes.buffer, bytes.byteOffset, count);
}

/** NetCDF stores big-endian; Node's native swaps turn the bytes around in place. */
function toNativeOrder(data: NumericArray, elementSize: number): void {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (elementSize === 2) buffer.swap16();
  else if (elementSize === 4) buffer.swap32();
  else if (elementSize === 8) buffer.swap64();
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** A char array as strings along its last axis, trailing NULs (the fill) removed. */
function charRows(bytes: Uint8Array, shape: readonly number[]): string[] {
  if (shape.length === 0) return [utf8.decode(bytes).replace(/\0+$/, "")];
  const width = shape[shape.length - 1] as number;
  const rows = product(shape.slice(0, -1));
  const out: string[] = new Array(rows);
  for (let r = 0; r < rows; r++) out[r] = utf8.decode(bytes.subarray(r * width, (r + 1) * width)).replace(/\0+$/, "");
  return out;
}

/**
 * File offsets of the contiguous runs a selection covers, in row-major order of the output. Inner axes that
 * are selected whole and stored contiguously merge into one run, so a full 2-D read is a single run.
 */
function* runOffsets(layout: VarLayout, ranges: readonly NormalizedRange[]): Generator<number> {
  const strides = layout.byteStrides;
  const k = runStartAxis(ranges, layout.info.shape, strides, layout.elementSize);
  const outer = ranges.slice(0, k);
  const index = outer.map((r) => r.start);
  let base = layout.begin;
  for (let d = k; d < ranges.length; d++) base += (ranges[d] as NormalizedRange).start * (strides[d] as number);
  for (;;) {
    let offset = base;
    for (let d = 0; d < k; d++) offset += (index[d] as number) * (strides[d] as number);
    yield offset;
    let d = k - 1;
    while (d >= 0) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outer[d] as NormalizedRange).stop) break;
      index[d] = (outer[d] as NormalizedRange).start;
      d--;
    }
    if (d < 0) return;
  }
}

/**
 * The first axis of the contiguous block a run covers: axes after it must be selected whole, and every axis
 * from it on stored back to back. Returns the rank when even the last axis is not contiguous (a 1-D record
 * variable, whose consecutive values are a record apart): then each run is one element.
 */
function runStartAxis(
  ranges: readonly NormalizedRange[],
  shape: readonly number[],
  strides: readonly number[],
  elementSize: number,
): number {
  const rank = ranges.length;
  if (rank === 0 || strides[rank - 1] !== elementSize) return rank;
  let k = rank - 1;
  while (k > 0) {
    const inner = ranges[k] as NormalizedRange;
    const whole = inner.start === 0 && inner.stop === shape[k];
    if (!whole || strides[k - 1] !== (shape[k] as number) * (strides[k] as number)) break;
    k--;
  }
  return k;
}

function runBytesOf(layout: VarLayout, ranges: readonly NormalizedRange[]): number {
  const k = runStartAxis(ranges, layout.info.shape, layout.byteStrides, layout.elementSize);
  return product(ranges.slice(k).map((r) => r.stop - r.start)) * layout.elementSize;
}

/**
 * Copies the selected bytes into `out`: a lone run is read straight into place; runs close together are
 * read in one window and copied out, so a column of a large variable never reads the whole variable.
 */
async function gather(
  handle: FileHandle,
  layout: VarLayout,
  ranges: readonly NormalizedRange[],
  out: Uint8Array,
  path: string,
): Promise<void> {
  if (out.length === 0) return;
  const runBytes = runBytesOf(layout, ranges);
  const what = `variable ${layout.info.name}`;
  let scratch: Uint8Array | undefined;
  let window: number[] = [];
  let dest = 0;
  const flush = async () => {
    const first = window[0] as number;
    if (window.length === 1) {
      await readFully(handle, out, dest, runBytes, first, path, what);
      dest += runBytes;
    } else {
      const span = (window[window.length - 1] as number) + runBytes - first;
      if (scratch === undefined || scratch.length < span) scratch = new Uint8Array(Math.max(span, 1024));
      await readFully(handle, scratch, 0, span, first, path, what);
      for (const offset of window) {
        out.set(scratch.subarray(offset - first, offset - first + runBytes), dest);
        dest += runBytes;
      }
    }
    window = [];
  };
  for (const offset of runOffsets(layout, ranges)) {
    if (window.length > 0) {
      const first = window[0] as number;
      const lastEnd = (window[window.length - 1] as number) + runBytes;
      const fits = offset >= lastEnd && offset - lastEnd <= GAP_BYTES && offset + runBytes - first <= WINDOW_BYTES;
      if (!fits) await flush();
    }
    window.push(offset);
  }
  if (window.length > 0) await flush();
}

async function readFully(
  handle: FileHandle,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
  path: string,
  what: string,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, offset + done, length - done, position + done);
    if (bytesRead === 0) {
      throw new FieldbenchError("CORRUPT_FILE", `${path}: file ends at byte ${position + done} while reading ${what}`, {
        path,
      });
    }
    done += bytesRead;
  }
}
