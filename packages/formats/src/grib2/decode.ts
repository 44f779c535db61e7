import { FieldbenchError } from "@fieldbench/core";
import { AecError, aecDecode, aecParamsProblem } from "./aec.js";
import { BitReader } from "./bits.js";
import type { Grib2Field } from "./message.js";
import { f32, s16, s32, u8, u16, u32 } from "./octets.js";
import { DECODED_TEMPLATES, PACKING_TYPES } from "./tables.js";

/** The bytes a field's values need: its bitmap (if any) and its data section payload. */
export interface FieldBytes {
  readonly bitmap?: Uint8Array;
  readonly data: Uint8Array;
}

/**
 * Decodes one field to float64 values in grid order [Nj, Ni] (row 0 = first latitude of the scan),
 * missing points (bitmap off, or complex-packing missing codes) as NaN. Values are
 * Y = (R + X * 2^E) * 10^-D, computed in the order eccodes computes them so that results match exactly.
 */
export function decodeField(field: Grib2Field, bytes: FieldBytes, path: string): Float64Array {
  const template = field.dataRepresentationTemplateNumber;
  if (!DECODED_TEMPLATES.has(template)) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${path}: message ${field.messageIndex} uses data representation template 5.${template}${PACKING_TYPES[template] ? ` (${PACKING_TYPES[template]})` : ""}, which fieldbench does not decode`,
      { path },
    );
  }
  const { shape, points } = field.geometry;
  const packed = unpack(field, bytes.data, path);
  const values = bytes.bitmap === undefined ? packed : expandBitmap(packed, bytes.bitmap, points, field, path);
  // Reduced grids and spectral coefficients are one run of values: there are no rows to reorder.
  if (shape.length !== 2) return values;
  return toGridOrder(values, shape[1] as number, shape[0] as number, field.summary.grid.scanningMode ?? 0);
}

function corrupt(path: string, field: Grib2Field, problem: string): FieldbenchError {
  return new FieldbenchError("CORRUPT_FILE", `${path}: GRIB2 message ${field.messageIndex} ${problem}`, { path });
}

interface Scaling {
  readonly reference: number;
  readonly binaryScale: number;
  readonly decimalScale: number;
  readonly bitsPerValue: number;
}

function scaling(s5: Uint8Array): Scaling {
  return {
    reference: f32(s5, 11),
    binaryScale: 2 ** s16(s5, 15),
    decimalScale: decimalFactor(s16(s5, 17)),
    bitsPerValue: u8(s5, 19),
  };
}

/** 10^-D by repeated multiplication, as eccodes' codes_power does (so the last bit agrees). */
function decimalFactor(d: number): number {
  let p = 1;
  for (let i = 0; i < Math.abs(d); i++) p *= 10;
  return d >= 0 ? 1 / p : p;
}

function unpack(field: Grib2Field, data: Uint8Array, path: string): Float64Array {
  const s5 = field.section5;
  const count = field.numberOfValues;
  switch (field.dataRepresentationTemplateNumber) {
    case 0:
      return unpackSimple(s5, data, count, field, path);
    case 42:
      return unpackCcsds(s5, data, count, field, path);
    case 2:
    case 3:
      return unpackComplex(s5, data, count, field, path);
    case 4:
      return unpackIeee(s5, data, count, field, path);
    case 51:
      return unpackSpectralComplex(s5, data, count, field, path);
    default:
      throw corrupt(path, field, "has an unexpected template");
  }
}

function unpackSimple(s5: Uint8Array, data: Uint8Array, count: number, field: Grib2Field, path: string): Float64Array {
  if (s5.length < 21) throw corrupt(path, field, "section 5 is shorter than template 5.0");
  const sc = scaling(s5);
  const out = new Float64Array(count);
  if (sc.bitsPerValue === 0) return out.fill(sc.reference);
  if (sc.bitsPerValue > 32) throw corrupt(path, field, `declares ${sc.bitsPerValue} bits per value (at most 32)`);
  const needed = Math.ceil((count * sc.bitsPerValue) / 8);
  if (data.length < needed) {
    throw corrupt(
      path,
      field,
      `is cut short: its data section holds ${data.length} bytes where ${count} values of ${sc.bitsPerValue} bits need ${needed}`,
    );
  }
  const bits = new BitReader(data);
  for (let i = 0; i < count; i++)
    out[i] = (bits.read(sc.bitsPerValue) * sc.binaryScale + sc.reference) * sc.decimalScale;
  return out;
}

function unpackCcsds(s5: Uint8Array, data: Uint8Array, count: number, field: Grib2Field, path: string): Float64Array {
  if (s5.length < 25) throw corrupt(path, field, "section 5 is shorter than template 5.42");
  const sc = scaling(s5);
  if (sc.bitsPerValue === 0) return new Float64Array(count).fill(sc.reference);
  const params = { bitsPerSample: sc.bitsPerValue, flags: u8(s5, 21), blockSize: u8(s5, 22), rsi: u16(s5, 23) };
  const problem = aecParamsProblem(params);
  if (problem !== undefined) throw corrupt(path, field, `has invalid CCSDS parameters: ${problem}`);
  // A coded data set of at least idLength + 1 bits covers at most 64 blocks (a zero-block run), so a
  // count beyond that bound cannot be in this stream: refuse before allocating.
  const maxPerBit = (Math.min(params.rsi, 64) * params.blockSize) / 4;
  if (count > data.length * 8 * maxPerBit) {
    throw corrupt(path, field, `is cut short: ${data.length} bytes of CCSDS data cannot hold ${count} values`);
  }
  let ints: Float64Array;
  try {
    ints = aecDecode(data, 0, data.length, count, params);
  } catch (err) {
    if (err instanceof AecError)
      throw corrupt(path, field, `has a CCSDS stream that cannot be decoded: ${err.message}`);
    throw err;
  }
  for (let i = 0; i < count; i++) ints[i] = ((ints[i] as number) * sc.binaryScale + sc.reference) * sc.decimalScale;
  return ints;
}

/**
 * Template 5.51, spectral complex packing: the coefficients of a triangular truncation T, column by
 * column (m = 0..T, n = m..T, real then imaginary part). Those with n <= KS (and m <= KS) come first,
 * unpacked as IEEE floats; the rest are simple-packed after being multiplied by (n(n+1))^P, P the
 * Laplacian scaling factor, so decoding divides it out again (eccodes' data_complex_packing).
 */
function unpackSpectralComplex(
  s5: Uint8Array,
  data: Uint8Array,
  count: number,
  field: Grib2Field,
  path: string,
): Float64Array {
  if (s5.length < 35) throw corrupt(path, field, "section 5 is shorter than template 5.51");
  const sc = scaling(s5);
  const laplacian = s32(s5, 20) * 1e-6;
  const [JS, KS, MS] = [u16(s5, 24), u16(s5, 26), u16(s5, 28)];
  const unpackedCount = u32(s5, 30);
  const precision = u8(s5, 34);
  const T = field.summary.grid.J ?? 0;
  if (!(JS === KS && KS === MS) || KS > T || unpackedCount !== (KS + 1) * (KS + 2) || precision !== 1) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${path}: message ${field.messageIndex} has a spectral subset JS=${JS} KS=${KS} MS=${MS} TS=${unpackedCount} precision ${precision}; fieldbench reads triangular subsets of IEEE 32-bit values`,
      { path },
    );
  }
  if (sc.bitsPerValue > 32) throw corrupt(path, field, `declares ${sc.bitsPerValue} bits per value (at most 32)`);
  const packedCount = count - unpackedCount;
  const needed = unpackedCount * 4 + Math.ceil((packedCount * sc.bitsPerValue) / 8);
  if (count !== (T + 1) * (T + 2) || data.length < needed) {
    throw corrupt(path, field, `is cut short: ${data.length} bytes cannot hold ${count} spectral values of T${T}`);
  }
  const scale = new Float64Array(T + 1);
  for (let n = 1; n <= T; n++) {
    const operator = (n * (n + 1)) ** laplacian;
    scale[n] = operator === 0 ? 0 : 1 / operator;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const bits = new BitReader(data.subarray(unpackedCount * 4));
  const packed = () => sc.decimalScale * (bits.read(sc.bitsPerValue) * sc.binaryScale + sc.reference);
  const out = new Float64Array(count);
  let i = 0;
  let h = 0;
  for (let m = 0; m <= T; m++) {
    for (let n = m; n <= T; n++) {
      if (m <= KS && n <= KS) {
        out[i++] = view.getFloat32(4 * h++, false);
        out[i++] = view.getFloat32(4 * h++, false);
      } else {
        const k = scale[n] as number;
        out[i++] = packed() * k;
        // A real field's m = 0 coefficients have no imaginary part: eccodes packs a slot and reads 0.
        const imaginary = packed() * k;
        out[i++] = m === 0 ? 0 : imaginary;
      }
    }
  }
  return out;
}

function unpackIeee(s5: Uint8Array, data: Uint8Array, count: number, field: Grib2Field, path: string): Float64Array {
  const precision = u8(s5, 11);
  const size = precision === 1 ? 4 : precision === 2 ? 8 : 0;
  if (size === 0)
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${path}: message ${field.messageIndex} uses IEEE precision ${precision}`,
      { path },
    );
  if (data.length < count * size)
    throw corrupt(path, field, `is cut short: ${data.length} bytes hold fewer than ${count} IEEE values`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = size === 4 ? view.getFloat32(i * 4, false) : view.getFloat64(i * 8, false);
  return out;
}

/**
 * Complex packing (5.2) and complex packing with spatial differencing (5.3): values come in groups,
 * each with its own reference, bit width and length; 5.3 first undoes first- or second-order differences.
 */
function unpackComplex(s5: Uint8Array, data: Uint8Array, count: number, field: Grib2Field, path: string): Float64Array {
  const template = field.dataRepresentationTemplateNumber;
  if (s5.length < (template === 3 ? 49 : 47))
    throw corrupt(path, field, `section 5 is shorter than template 5.${template}`);
  const sc = scaling(s5);
  const missingManagement = u8(s5, 22);
  const groups = u32(s5, 31);
  const widthReference = u8(s5, 35);
  const widthBits = u8(s5, 36);
  const lengthReference = u32(s5, 37);
  const lengthIncrement = u8(s5, 41);
  const lastLength = u32(s5, 42);
  const lengthBits = u8(s5, 46);
  const order = template === 3 ? u8(s5, 47) : 0;
  const extraOctets = template === 3 ? u8(s5, 48) : 0;
  const out = new Float64Array(count);
  if (groups === 0 || count === 0) return out.fill(sc.reference * sc.decimalScale);
  if (sc.bitsPerValue > 32 || widthBits > 32 || lengthBits > 32)
    throw corrupt(path, field, "declares more than 32 bits per packed item");
  // eccodes writes order 0 (no differencing, no descriptors) when differencing would not pay off.
  if (template === 3 && (order > 2 || (order > 0 && (extraOctets < 1 || extraOctets > 4)))) {
    throw corrupt(path, field, `declares spatial differencing of order ${order} with ${extraOctets}-octet descriptors`);
  }
  if (missingManagement > 2) throw corrupt(path, field, `declares missing value management ${missingManagement}`);
  // Every group costs at least one bit in each of the three descriptor arrays (or none if the width is 0),
  // so a group count beyond the data length's bits is corrupt: refuse before allocating per-group arrays.
  if (groups > count || groups > data.length * 8 + 1)
    throw corrupt(path, field, `declares ${groups} groups for ${count} values`);
  const bits = new BitReader(data);
  const firstValues: number[] = [];
  let overallMin = 0;
  if (template === 3 && order > 0) {
    for (let i = 0; i < order; i++) firstValues.push(signMagnitude(bits.read(8 * extraOctets), 8 * extraOctets));
    overallMin = signMagnitude(bits.read(8 * extraOctets), 8 * extraOctets);
  }
  const refs = new Float64Array(groups);
  for (let g = 0; g < groups; g++) refs[g] = bits.read(sc.bitsPerValue);
  bits.alignToByte();
  const widths = new Uint8Array(groups);
  for (let g = 0; g < groups; g++) {
    const w = widthReference + bits.read(widthBits);
    if (w > 32) throw corrupt(path, field, `declares a group of ${w}-bit values`);
    widths[g] = w;
  }
  bits.alignToByte();
  const lengths = new Float64Array(groups);
  let total = 0;
  for (let g = 0; g < groups; g++) {
    // The last group's scaled length is stored too, but its true length is in section 5.
    const scaled = lengthReference + bits.read(lengthBits) * lengthIncrement;
    const length = g === groups - 1 ? lastLength : scaled;
    lengths[g] = length;
    total += length;
  }
  bits.alignToByte();
  if (bits.overrun) throw corrupt(path, field, "is cut short inside its complex-packing group descriptors");
  if (total !== count)
    throw corrupt(path, field, `has complex-packing groups holding ${total} values where ${count} are declared`);
  const missing = new Uint8Array(count);
  const ints = new Float64Array(count);
  let n = 0;
  for (let g = 0; g < groups; g++) {
    const width = widths[g] as number;
    const ref = refs[g] as number;
    const length = lengths[g] as number;
    const allOnes = 2 ** width - 1;
    const refAllOnes = 2 ** sc.bitsPerValue - 1;
    if (bits.remainingBits < width * length) throw corrupt(path, field, `is cut short in complex-packing group ${g}`);
    for (let i = 0; i < length; i++, n++) {
      const x = bits.read(width);
      if (missingManagement > 0) {
        if (width === 0) {
          if (ref === refAllOnes || (missingManagement === 2 && ref === refAllOnes - 1)) {
            missing[n] = 1;
            continue;
          }
        } else if (x === allOnes || (missingManagement === 2 && x === allOnes - 1)) {
          missing[n] = 1;
          continue;
        }
      }
      ints[n] = ref + x;
    }
  }
  if (template === 3 && order > 0) undoSpatialDifferencing(ints, missing, order, firstValues, overallMin);
  for (let i = 0; i < count; i++) {
    out[i] = missing[i] ? Number.NaN : ((ints[i] as number) * sc.binaryScale + sc.reference) * sc.decimalScale;
  }
  return out;
}

function signMagnitude(value: number, bitCount: number): number {
  const sign = 2 ** (bitCount - 1);
  return value >= sign ? -(value - sign) : value;
}

/** Differences run over the non-missing values only, in order (WMO Manual on Codes, regulation 92.9.4). */
function undoSpatialDifferencing(
  ints: Float64Array,
  missing: Uint8Array,
  order: number,
  first: number[],
  minimum: number,
): void {
  let seen = 0;
  let prev1 = 0;
  let prev2 = 0;
  for (let i = 0; i < ints.length; i++) {
    if (missing[i]) continue;
    let v: number;
    if (seen < order) v = first[seen] as number;
    else if (order === 1) v = (ints[i] as number) + minimum + prev1;
    else v = (ints[i] as number) + minimum + 2 * prev1 - prev2;
    ints[i] = v;
    prev2 = prev1;
    prev1 = v;
    seen++;
  }
}

/** Spreads packed values over the points whose bitmap bit is set; others become NaN. */
function expandBitmap(
  packed: Float64Array,
  bitmap: Uint8Array,
  points: number,
  field: Grib2Field,
  path: string,
): Float64Array {
  const out = new Float64Array(points);
  let k = 0;
  for (let i = 0; i < points; i++) {
    if (((bitmap[i >>> 3] as number) >>> (7 - (i & 7))) & 1) {
      if (k >= packed.length)
        throw corrupt(path, field, `has a bitmap with more points set than its ${packed.length} packed values`);
      out[i] = packed[k++] as number;
    } else {
      out[i] = Number.NaN;
    }
  }
  if (k !== packed.length)
    throw corrupt(path, field, `has a bitmap with ${k} points set for ${packed.length} packed values`);
  return out;
}

/**
 * Flag table 3.4: bit 0x20 means columns are consecutive (transpose), 0x10 means every other row runs
 * backwards. Rows keep their scan order (row 0 is the first latitude of the file), as eccodes' values do.
 */
function toGridOrder(values: Float64Array, Ni: number, Nj: number, scanningMode: number): Float64Array {
  let grid = values;
  const columnMajor = (scanningMode & 0x20) !== 0;
  if (scanningMode & 0x10) {
    const [rows, cols] = columnMajor ? [Ni, Nj] : [Nj, Ni];
    grid = grid.slice();
    for (let r = 1; r < rows; r += 2) grid.subarray(r * cols, (r + 1) * cols).reverse();
  }
  if (columnMajor) {
    const t = new Float64Array(Ni * Nj);
    for (let i = 0; i < Ni; i++) for (let j = 0; j < Nj; j++) t[j * Ni + i] = grid[i * Nj + j] as number;
    grid = t;
  }
  return grid;
}
