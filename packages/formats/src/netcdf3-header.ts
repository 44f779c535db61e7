import { type AttrValue, type Attrs, FieldbenchError, type NumericDType } from "@fieldbench/core";

/**
 * The NetCDF classic header, one parser for all three versions (Unidata's "NetCDF Classic Format
 * Specification"): CDF\x01 classic, CDF\x02 64-bit offset (8-byte `begin`) and CDF\x05 64-bit data
 * (CDF5: every count, length, dim id and vsize is 8 bytes, and five more types). Pure over bytes: the
 * reader hands it a prefix of the file and asks again with a longer one when it signals `HeaderNeedsMore`.
 */

export type Nc3Version = 1 | 2 | 5;

export interface Nc3Dim {
  readonly name: string;
  /** 0 marks the record (unlimited) dimension. */
  readonly length: number;
}

export interface Nc3Var {
  readonly name: string;
  readonly dimIds: readonly number[];
  readonly attrs: Attrs;
  readonly ncType: number;
  /** As stored; redundant (and wrong for > 4 GiB variables in CDF1/2), so the reader recomputes sizes. */
  readonly vsize: number;
  readonly begin: number;
}

export interface Nc3Header {
  readonly version: Nc3Version;
  /** Record count as stored; null when the file is streaming (numrecs = all ones) and the count comes from its size. */
  readonly numrecs: number | null;
  readonly dims: readonly Nc3Dim[];
  readonly attrs: Attrs;
  readonly vars: readonly Nc3Var[];
  /** Bytes the header occupies: no variable may begin before this. */
  readonly headerBytes: number;
}

/** Element type of each nc_type code, with its size in bytes ("char" is one byte of text). */
export const NC_TYPES: Readonly<Record<number, { dtype: NumericDType | "char"; size: number; name: string }>> = {
  1: { dtype: "int8", size: 1, name: "byte" },
  2: { dtype: "char", size: 1, name: "char" },
  3: { dtype: "int16", size: 2, name: "short" },
  4: { dtype: "int32", size: 4, name: "int" },
  5: { dtype: "float32", size: 4, name: "float" },
  6: { dtype: "float64", size: 8, name: "double" },
  7: { dtype: "uint8", size: 1, name: "ubyte" },
  8: { dtype: "uint16", size: 2, name: "ushort" },
  9: { dtype: "uint32", size: 4, name: "uint" },
  10: { dtype: "int64", size: 8, name: "int64" },
  11: { dtype: "uint64", size: 8, name: "uint64" },
};

const NC_DIMENSION = 0x0a;
const NC_VARIABLE = 0x0b;
const NC_ATTRIBUTE = 0x0c;

/** Thrown when the header runs past the bytes given but the file is longer: read more and parse again. */
export class HeaderNeedsMore extends Error {
  constructor(readonly needBytes: number) {
    super(`header needs ${needBytes} bytes`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** A bounds-checked big-endian cursor; every read past the buffer either asks for more or reports truncation. */
class Cursor {
  private readonly view: DataView;
  pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly fileSize: number,
    private readonly path: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  corrupt(what: string): FieldbenchError {
    return new FieldbenchError("CORRUPT_FILE", `${this.path}: NetCDF3 header ${what}`, { path: this.path });
  }

  /** Makes sure `n` more bytes exist, and that the file could hold them at all. */
  need(n: number, what: string): void {
    const end = this.pos + n;
    if (end <= this.bytes.length) return;
    if (end > this.fileSize) {
      throw this.corrupt(`is cut short: ${what} at byte ${this.pos} needs ${n} bytes, the file has ${this.fileSize}`);
    }
    throw new HeaderNeedsMore(end);
  }

  uint32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  uint64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.corrupt(`${what} at byte ${this.pos - 8} is ${v}, beyond 2^53`);
    return Number(v);
  }

  /** NON_NEG: 4 bytes (signed, must be >= 0) in CDF1/2, 8 bytes in CDF5. */
  nonNeg(version: Nc3Version, what: string): number {
    if (version === 5) return this.uint64(what);
    const v = this.uint32(what);
    if (v > 0x7fffffff) throw this.corrupt(`${what} at byte ${this.pos - 4} is negative`);
    return v;
  }

  slice(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skipPadding(n: number, what: string): void {
    const pad = (4 - (n % 4)) % 4;
    this.need(pad, what);
    this.pos += pad;
  }

  remaining(): number {
    return this.fileSize - this.pos;
  }
}

export function isNc3Version(byte: number | undefined): byte is Nc3Version {
  return byte === 1 || byte === 2 || byte === 5;
}

/**
 * Parses the header from `bytes` (a prefix of a file of `fileSize` bytes). Throws CORRUPT_FILE naming the
 * problem, or HeaderNeedsMore when the prefix is too short but the file is long enough.
 */
export function parseNc3Header(bytes: Uint8Array, fileSize: number, path: string): Nc3Header {
  const c = new Cursor(bytes, fileSize, path);
  const magic = c.slice(4, "magic");
  const version = magic[3];
  if (magic[0] !== 0x43 || magic[1] !== 0x44 || magic[2] !== 0x46 || !isNc3Version(version)) {
    throw c.corrupt("does not start with CDF\\x01, CDF\\x02 or CDF\\x05");
  }
  const numrecs = readNumrecs(c, version);
  const dims = readList(c, version, NC_DIMENSION, "dimension", 8, () => readDim(c, version));
  const attrs = readAttrs(c, version, "global attribute");
  const vars = readList(c, version, NC_VARIABLE, "variable", 16, () => readVar(c, version));
  checkDims(c, dims);
  for (const v of vars) checkVar(c, v, dims, version);
  return { version, numrecs, dims, attrs: Object.fromEntries(attrs), vars, headerBytes: c.pos };
}

function readNumrecs(c: Cursor, version: Nc3Version): number | null {
  if (version === 5) {
    const bytes = c.slice(8, "numrecs");
    if (bytes.every((b) => b === 0xff)) return null;
    c.pos -= 8;
    return c.uint64("numrecs");
  }
  const v = c.uint32("numrecs");
  if (v === 0xffffffff) return null;
  if (v > 0x7fffffff) throw c.corrupt(`numrecs ${v} is negative`);
  return v;
}

/** ABSENT (ZERO, ZERO) or TAG nelems items; `minItemBytes` bounds nelems by what the file could hold. */
function readList<T>(
  c: Cursor,
  version: Nc3Version,
  tag: number,
  what: string,
  minItemBytes: number,
  readItem: () => T,
): T[] {
  const at = c.pos;
  const found = c.uint32(`${what} list tag`);
  const count = c.nonNeg(version, `${what} count`);
  if (found === 0) {
    if (count !== 0) throw c.corrupt(`has an absent ${what} list with count ${count} at byte ${at}`);
    return [];
  }
  if (found !== tag)
    throw c.corrupt(`has tag 0x${found.toString(16)} where the ${what} list should start (byte ${at})`);
  if (count * minItemBytes > c.remaining()) {
    throw c.corrupt(`declares ${count} ${what}s at byte ${at}, more than the ${c.remaining()} bytes left could hold`);
  }
  const items: T[] = [];
  for (let i = 0; i < count; i++) items.push(readItem());
  return items;
}

function readName(c: Cursor, version: Nc3Version, what: string): string {
  const length = c.nonNeg(version, `${what} name length`);
  if (length > c.remaining()) throw c.corrupt(`has a ${what} name of ${length} bytes at byte ${c.pos}, beyond the end`);
  const bytes = c.slice(length, `${what} name`);
  c.skipPadding(length, `${what} name padding`);
  // Some writers count the NUL padding in the name length ("pp\0\0\0\0\0\0"); netCDF-C keeps names as C
  // strings, so the name ends at the first NUL, and so does every reader built on it.
  const nul = bytes.indexOf(0);
  return utf8.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

function readDim(c: Cursor, version: Nc3Version): Nc3Dim {
  const name = readName(c, version, "dimension");
  return { name, length: c.nonNeg(version, `length of dimension ${name}`) };
}

function readAttrs(c: Cursor, version: Nc3Version, what: string): [string, AttrValue][] {
  return readList(c, version, NC_ATTRIBUTE, what, 12, () => readAttr(c, version, what));
}

function readAttr(c: Cursor, version: Nc3Version, what: string): [string, AttrValue] {
  const name = readName(c, version, what);
  const ncType = c.uint32(`type of ${what} ${name}`);
  const type = NC_TYPES[ncType];
  if (type === undefined || (ncType > 6 && version !== 5)) {
    throw c.corrupt(`gives ${what} ${name} the unknown type ${ncType}`);
  }
  const count = c.nonNeg(version, `length of ${what} ${name}`);
  if (count * type.size > c.remaining()) {
    throw c.corrupt(`declares ${count} values for ${what} ${name}, beyond the end of the file`);
  }
  const bytes = c.slice(count * type.size, `values of ${what} ${name}`);
  c.skipPadding(count * type.size, `padding of ${what} ${name}`);
  return [name, decodeAttr(bytes, type.dtype, count)];
}

function decodeAttr(bytes: Uint8Array, dtype: NumericDType | "char", count: number): AttrValue {
  if (dtype === "char") {
    // Writers pad text with NULs (and some count a terminating NUL); netCDF4-python strips them too.
    return utf8.decode(bytes).replace(/\0+$/, "");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: (number | bigint)[] = new Array(count);
  for (let i = 0; i < count; i++) values[i] = attrElement(view, dtype, i);
  return values.length === 1 ? (values[0] as number | bigint) : values;
}

function attrElement(view: DataView, dtype: NumericDType, i: number): number | bigint {
  switch (dtype) {
    case "int8":
      return view.getInt8(i);
    case "uint8":
      return view.getUint8(i);
    case "int16":
      return view.getInt16(i * 2);
    case "uint16":
      return view.getUint16(i * 2);
    case "int32":
      return view.getInt32(i * 4);
    case "uint32":
      return view.getUint32(i * 4);
    case "int64":
      return view.getBigInt64(i * 8);
    case "uint64":
      return view.getBigUint64(i * 8);
    case "float32":
      return view.getFloat32(i * 4);
    case "float64":
      return view.getFloat64(i * 8);
  }
}

function readVar(c: Cursor, version: Nc3Version): Nc3Var {
  const name = readName(c, version, "variable");
  const rank = c.nonNeg(version, `rank of variable ${name}`);
  if (rank * (version === 5 ? 8 : 4) > c.remaining()) throw c.corrupt(`gives variable ${name} rank ${rank}`);
  const dimIds: number[] = [];
  for (let i = 0; i < rank; i++) dimIds.push(c.nonNeg(version, `dimension id of variable ${name}`));
  const attrs = Object.fromEntries(readAttrs(c, version, `attribute of ${name}`));
  const ncType = c.uint32(`type of variable ${name}`);
  const vsize = version === 5 ? c.uint64(`vsize of ${name}`) : c.uint32(`vsize of ${name}`);
  const begin = version === 1 ? c.uint32(`begin of ${name}`) : c.uint64(`begin of ${name}`);
  return { name, dimIds, attrs, ncType, vsize, begin };
}

function checkDims(c: Cursor, dims: readonly Nc3Dim[]): void {
  const unlimited = dims.filter((d) => d.length === 0);
  if (unlimited.length > 1) {
    throw c.corrupt(`declares ${unlimited.length} unlimited dimensions (${unlimited.map((d) => d.name).join(", ")})`);
  }
}

function checkVar(c: Cursor, v: Nc3Var, dims: readonly Nc3Dim[], version: Nc3Version): void {
  const type = NC_TYPES[v.ncType];
  if (type === undefined || (v.ncType > 6 && version !== 5)) {
    throw c.corrupt(`gives variable ${v.name} the unknown type ${v.ncType}`);
  }
  v.dimIds.forEach((id, axis) => {
    const dim = dims[id];
    if (dim === undefined) throw c.corrupt(`gives variable ${v.name} dimension id ${id} of ${dims.length}`);
    if (dim.length === 0 && axis !== 0) {
      throw c.corrupt(`puts the unlimited dimension ${dim.name} at axis ${axis} of variable ${v.name}`);
    }
  });
}
