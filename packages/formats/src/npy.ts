import { open as openHandle, stat } from "node:fs/promises";
import {
  BYTES_PER_ELEMENT,
  FieldbenchError,
  type NumericArray,
  type NumericDType,
  allocateArray,
  checkAllocation,
  dtypeOf,
  shapeSize,
  writeFileAtomic,
} from "@fieldbench/core";
import { type NormalizedRange, normalizeSelection, selectionShape } from "./selection.js";
import { isNpy } from "./sniff.js";
import type { FormatReader, OpenFile, RawArray, Selection } from "./types.js";

/**
 * NumPy's .npy format (versions 1.0, 2.0 and 3.0): magic, version, a little-endian header length
 * (2 bytes in v1, 4 in v2/v3), a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
 * padded with spaces to a multiple of 64 bytes, then the raw values.
 *
 * The file exposes one variable, `data`, with dims `dim_0 .. dim_{n-1}`. Values are always returned
 * in C (row-major) order: a Fortran-ordered file is read whole and transposed on read, so callers see the
 * same array numpy's `np.load` gives. C-ordered files are read lazily: a selection reads only the byte range
 * spanning its rows along the first axis.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** numpy refuses headers above this size too (np.lib.format `_MAX_HEADER_SIZE`), which bounds parsing. */
const MAX_HEADER_BYTES = 10000;
export const NPY_VARIABLE = "data";

export interface NpyHeader {
  readonly version: 1 | 2 | 3;
  readonly dtype: NumericDType;
  readonly littleEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the first value. */
  readonly dataOffset: number;
  /** The `descr` string as stored, e.g. `<f4`. */
  readonly descr: string;
}

const DESCR_TYPES: Readonly<Record<string, NumericDType>> = {
  b1: "uint8",
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  f4: "float32",
  f8: "float64",
};

const DESCR_OF: Readonly<Record<NumericDType, string>> = {
  int8: "|i1",
  uint8: "|u1",
  int16: "<i2",
  uint16: "<u2",
  int32: "<i4",
  uint32: "<u4",
  int64: "<i8",
  uint64: "<u8",
  float32: "<f4",
  float64: "<f8",
};

/** Parses the preamble and header dict of an .npy file, checking it against the file size. */
export function parseNpyHeader(head: Uint8Array, fileSize: number, path: string): NpyHeader {
  const corrupt = (what: string): FieldbenchError =>
    new FieldbenchError("CORRUPT_FILE", `${path}: not a valid .npy file (${what})`, { path });
  if (head.length < 10 || !MAGIC.every((b, i) => head[i] === b)) throw corrupt("missing \\x93NUMPY magic");
  const major = head[6];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new FieldbenchError("UNSUPPORTED", `${path}: .npy format version ${major}.${head[7]} is not supported`, {
      path,
    });
  }
  const lengthBytes = major === 1 ? 2 : 4;
  if (head.length < 8 + lengthBytes) throw corrupt("header cut short");
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_BYTES) throw corrupt(`header length ${headerLength} above ${MAX_HEADER_BYTES}`);
  if (start + headerLength > head.length) throw corrupt("header cut short");
  const bytes = head.subarray(start, start + headerLength);
  const text = major === 3 ? new TextDecoder("utf-8", { fatal: false }).decode(bytes) : latin1(bytes);
  const dict = parseHeaderDict(text, corrupt);
  const descr = dict.descr;
  const parsed = parseDescr(descr, path);
  const dataOffset = start + headerLength;
  const count = shapeSize(dict.shape, `${path}: .npy shape`);
  const itemSize = BYTES_PER_ELEMENT[parsed.dtype];
  const needed = dataOffset + count * itemSize;
  if (needed > fileSize) {
    throw corrupt(`shape (${dict.shape.join(", ")}) of ${descr} needs ${needed} bytes, the file has ${fileSize}`);
  }
  return {
    version: major,
    dtype: parsed.dtype,
    littleEndian: parsed.littleEndian,
    fortranOrder: dict.fortranOrder,
    shape: dict.shape,
    dataOffset,
    descr,
  };
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

interface HeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/**
 * A strict parser for the only dict literal numpy writes: string keys; a string, a bool or a tuple of ints as values.
 * Anything else (structured dtypes as lists, expressions) is refused rather than evaluated.
 */
function parseHeaderDict(text: string, corrupt: (what: string) => FieldbenchError): HeaderDict {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const expect = (ch: string): void => {
    skip();
    if (text[i] !== ch) throw corrupt(`expected '${ch}' at header offset ${i}`);
    i++;
  };
  const readString = (): string => {
    skip();
    const quote = text[i];
    if (quote !== "'" && quote !== '"') throw corrupt(`expected a string at header offset ${i}`);
    const end = text.indexOf(quote, i + 1);
    if (end < 0) throw corrupt("unterminated string in header");
    const value = text.slice(i + 1, end);
    i = end + 1;
    return value;
  };
  const readValue = (): string | boolean | number[] => {
    skip();
    const ch = text[i];
    if (ch === "'" || ch === '"') return readString();
    if (text.startsWith("True", i)) {
      i += 4;
      return true;
    }
    if (text.startsWith("False", i)) {
      i += 5;
      return false;
    }
    if (ch === "(") {
      i++;
      const items: number[] = [];
      for (;;) {
        skip();
        if (text[i] === ")") {
          i++;
          return items;
        }
        const match = /^\d{1,16}L?/.exec(text.slice(i, i + 20));
        if (match === null) throw corrupt(`expected an integer in shape at header offset ${i}`);
        items.push(Number(match[0].replace("L", "")));
        i += match[0].length;
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== ")") throw corrupt(`expected ',' or ')' in shape at header offset ${i}`);
      }
    }
    throw corrupt(`unsupported value at header offset ${i} (structured dtypes are not read)`);
  };
  expect("{");
  const entries = new Map<string, string | boolean | number[]>();
  for (;;) {
    skip();
    if (text[i] === "}") {
      i++;
      break;
    }
    const key = readString();
    expect(":");
    entries.set(key, readValue());
    skip();
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw corrupt(`expected ',' or '}' at header offset ${i}`);
  }
  if (text.slice(i).trim() !== "") throw corrupt("bytes after the header dict");
  const descr = entries.get("descr");
  const fortranOrder = entries.get("fortran_order");
  const shape = entries.get("shape");
  if (typeof descr !== "string") throw corrupt("'descr' missing or not a string");
  if (typeof fortranOrder !== "boolean") throw corrupt("'fortran_order' missing or not a bool");
  if (!Array.isArray(shape)) throw corrupt("'shape' missing or not a tuple");
  if (entries.size !== 3) throw corrupt("header dict has keys other than descr, fortran_order, shape");
  return { descr, fortranOrder, shape };
}

function parseDescr(descr: string, path: string): { dtype: NumericDType; littleEndian: boolean } {
  const match = /^([<>|=])([biuf]\d)$/.exec(descr);
  const dtype = match === null ? undefined : DESCR_TYPES[match[2] as string];
  if (match === null || dtype === undefined) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${path}: .npy dtype '${descr}' is not supported (bool, int8..int64, uint8..uint64, float32, float64 are)`,
      { path },
    );
  }
  const order = match[1];
  // '|' (not applicable) only makes sense for one-byte types; '=' is native, and every host we run on is little-endian.
  if (order === "|" && BYTES_PER_ELEMENT[dtype] !== 1) {
    throw new FieldbenchError("CORRUPT_FILE", `${path}: .npy dtype '${descr}' has no byte order`, { path });
  }
  return { dtype, littleEndian: order !== ">" };
}

/** Reinterprets raw file bytes as values, swapping bytes for big-endian files. `bytes` is consumed. */
function decodeValues(bytes: Uint8Array, dtype: NumericDType, littleEndian: boolean): NumericArray {
  const size = BYTES_PER_ELEMENT[dtype];
  const count = bytes.length / size;
  if (!littleEndian && size > 1) swapBytes(bytes, size);
  const out = allocateArray(dtype, count);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  return out;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a] as number;
      bytes[a] = bytes[b] as number;
      bytes[b] = t;
    }
  }
}

/** Copies the hyperslab `ranges` out of a C-ordered array of `shape` (ranges along axis 0 are relative to `src`). */
function extractSlab(src: NumericArray, shape: readonly number[], ranges: readonly NormalizedRange[]): NumericArray {
  const outShape = selectionShape(ranges);
  const total = shapeSize(outShape);
  if (outShape.every((n, axis) => n === shape[axis])) return src;
  const out = allocateArray(dtypeOf(src), total);
  if (total === 0) return out;
  const rank = shape.length;
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = (strides[a + 1] as number) * (shape[a + 1] as number);
  const inner = outShape[rank - 1] as number;
  const rows = total / inner;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  const copy = out as unknown as { set(a: ArrayLike<unknown>, o: number): void };
  for (let r = 0; r < rows; r++) {
    let offset = (ranges[rank - 1] as NormalizedRange).start;
    for (let a = 0; a < rank - 1; a++) {
      offset += ((index[a] as number) + (ranges[a] as NormalizedRange).start) * (strides[a] as number);
    }
    copy.set(src.subarray(offset, offset + inner) as unknown as ArrayLike<unknown>, r * inner);
    for (let a = rank - 2; a >= 0; a--) {
      index[a] = (index[a] as number) + 1;
      if ((index[a] as number) < (outShape[a] as number)) break;
      index[a] = 0;
    }
  }
  return out;
}

/**
 * Visits every element in C (row-major) order with its offset `f` in the Fortran (column-major) layout of the same
 * shape; the two permutations below are this walk read one way or the other.
 */
function forEachFortranOffset(shape: readonly number[], length: number, visit: (c: number, f: number) => void): void {
  const rank = shape.length;
  const fStrides = new Array<number>(rank).fill(1);
  for (let a = 1; a < rank; a++) fStrides[a] = (fStrides[a - 1] as number) * (shape[a - 1] as number);
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < length; i++) {
    let f = 0;
    for (let a = 0; a < rank; a++) f += (index[a] as number) * (fStrides[a] as number);
    visit(i, f);
    for (let a = rank - 1; a >= 0; a--) {
      index[a] = (index[a] as number) + 1;
      if ((index[a] as number) < (shape[a] as number)) break;
      index[a] = 0;
    }
  }
}

/** Fortran (column-major) values of `shape` to C (row-major) order. */
function fortranToC(src: NumericArray, shape: readonly number[]): NumericArray {
  if (shape.length < 2) return src;
  const out = allocateArray(dtypeOf(src), src.length);
  const dst = out as unknown as { [i: number]: unknown };
  const from = src as unknown as { [i: number]: unknown };
  forEachFortranOffset(shape, out.length, (c, f) => {
    dst[c] = from[f];
  });
  return out;
}

async function readBytes(path: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await openHandle(path, "r");
  try {
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(bytes, done, length - done, offset + done);
      if (bytesRead === 0) {
        throw new FieldbenchError("CORRUPT_FILE", `${path}: .npy data cut short at byte ${offset + done}`, { path });
      }
      done += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

async function openNpy(path: string): Promise<OpenFile> {
  const info = await stat(path);
  const fileSize = Number(info.size);
  const head = await readBytes(path, 0, Math.min(fileSize, 12 + MAX_HEADER_BYTES));
  const header = parseNpyHeader(head, fileSize, path);
  const dims = header.shape.map((_, axis) => `dim_${axis}`);
  const itemSize = BYTES_PER_ELEMENT[header.dtype];

  const read = async (name: string, selection?: Selection): Promise<RawArray> => {
    if (name !== NPY_VARIABLE) {
      throw new FieldbenchError("VARIABLE_NOT_FOUND", `${path}: no variable ${name} (an .npy file holds 'data')`, {
        path,
      });
    }
    const ranges = normalizeSelection(header.shape, selection, name);
    const outShape = selectionShape(ranges);
    checkAllocation(shapeSize(outShape), itemSize, `${path}: selection of data`, path);
    if (header.shape.length === 0) {
      const bytes = await readBytes(path, header.dataOffset, itemSize);
      return { dtype: header.dtype, shape: [], data: decodeValues(bytes, header.dtype, header.littleEndian) };
    }
    if (header.fortranOrder && header.shape.length > 1) {
      // Fortran order: values along axis 0 are not contiguous, so read everything and transpose (documented above).
      const count = shapeSize(header.shape);
      checkAllocation(count * 2, itemSize, `${path}: Fortran-ordered data (read whole, then transposed)`, path);
      const bytes = await readBytes(path, header.dataOffset, count * itemSize);
      const values = fortranToC(decodeValues(bytes, header.dtype, header.littleEndian), header.shape);
      return { dtype: header.dtype, shape: outShape, data: extractSlab(values, header.shape, ranges) };
    }
    // C order: only the rows [start, stop) along axis 0 are read.
    const first = ranges[0] as NormalizedRange;
    const rowCount = shapeSize(header.shape.slice(1));
    const rows = first.stop - first.start;
    const bytes = await readBytes(
      path,
      header.dataOffset + first.start * rowCount * itemSize,
      rows * rowCount * itemSize,
    );
    const values = decodeValues(bytes, header.dtype, header.littleEndian);
    const slabShape = [rows, ...header.shape.slice(1)];
    const slabRanges = [{ start: 0, stop: rows }, ...ranges.slice(1)];
    return { dtype: header.dtype, shape: outShape, data: extractSlab(values, slabShape, slabRanges) };
  };

  return {
    format: "npy",
    path,
    dims: Object.fromEntries(dims.map((d, axis) => [d, header.shape[axis] as number])),
    attrs: {},
    variables: [{ name: NPY_VARIABLE, dtype: header.dtype, shape: header.shape, dims, attrs: {} }],
    read,
    close: async () => {},
  };
}

export const reader: FormatReader = {
  format: "npy",
  sniff: (probe) => !probe.isDirectory && isNpy(probe.head),
  open: (path) => openNpy(path),
};

/** Reads an .npy file (or a selection of it) as a C-ordered array. */
export async function readNpy(path: string, selection?: Selection): Promise<RawArray & { data: NumericArray }> {
  const file = await openNpy(path);
  const array = await file.read(NPY_VARIABLE, selection);
  return array as RawArray & { data: NumericArray };
}

export interface WriteNpyOptions {
  /** Store with `fortran_order: True` (values are given in C order and transposed on write). */
  readonly fortranOrder?: boolean;
}

/** The .npy bytes for `data` (C order) of `shape`, little-endian, format 1.0 (2.0 when the header needs it). */
export function encodeNpy(data: NumericArray, shape: readonly number[], options: WriteNpyOptions = {}): Uint8Array {
  const count = shapeSize(shape);
  if (count !== data.length) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `writeNpy: shape (${shape.join(", ")}) holds ${count} values, data has ${data.length}`,
    );
  }
  const dtype = dtypeOf(data);
  const fortran = options.fortranOrder === true && shape.length > 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let dict = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': ${shapeText}, }`;
  let version = 1;
  let preamble = 10;
  if (dict.length + 1 + preamble > 65535) {
    version = 2;
    preamble = 12;
  }
  const pad = (64 - ((preamble + dict.length + 1) % 64)) % 64;
  dict = `${dict}${" ".repeat(pad)}\n`;
  const values = fortran ? cToFortran(data, shape) : data;
  const out = new Uint8Array(preamble + dict.length + values.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[preamble + i] = dict.charCodeAt(i);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), preamble + dict.length);
  return out;
}

function cToFortran(src: NumericArray, shape: readonly number[]): NumericArray {
  // The transpose of a C-ordered array of shape S, read in C order, is the Fortran order of S.
  const out = allocateArray(dtypeOf(src), src.length);
  const dst = out as unknown as { [i: number]: unknown };
  const from = src as unknown as { [i: number]: unknown };
  forEachFortranOffset(shape, src.length, (c, f) => {
    dst[f] = from[c];
  });
  return out;
}

/** Writes an .npy file numpy reads back identically; written to a temporary name and renamed, never half-written. */
export async function writeNpy(
  path: string,
  data: NumericArray,
  shape: readonly number[],
  options: WriteNpyOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeNpy(data, shape, options));
}
