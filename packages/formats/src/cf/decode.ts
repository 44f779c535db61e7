import { type Attrs, FieldbenchError, type NumericArray, type NumericDType, dtypeOf } from "@fieldbench/core";
import { numberAttr, numberListAttr, stringAttr } from "./attrs.js";

/**
 * CF decoding as netCDF4-python's `Variable.__getitem__` does it with auto mask-and-scale on (its `_toma`,
 * `_check_safecast` and scaling, netCDF4-python 1.6): the one decoding path of `inspect`, `score`, the loaders
 * and the suite.
 *
 * 1. `_Unsigned = "true"` (any case) on a signed integer variable: the stored bytes are read as unsigned, and so
 *    are the fill value and valid bounds, which were written in the signed type (-1 on a byte means 255).
 * 2. An attribute is used only if every one of its values survives a cast to the variable's stored type
 *    unchanged; otherwise the whole attribute is ignored (netCDF4-python warns): a double `missing_value` of
 *    1e20 on float32 data, a `valid_max` of 100.5 on int16 data, a `valid_range` of [0, 100.5].
 * 3. Stored values equal to `missing_value` (any of them) or `_FillValue` are missing; a NaN fill masks NaN.
 *    With no usable `_FillValue`, a netCDF file's values equal to the type's default fill (NC_FILL_SHORT =
 *    -32767, ...) are missing too: that is netCDF's rule, not CF's, so only netCDF files ask for it.
 * 4. `valid_range` (two values) bounds the stored values; without a usable one, `valid_min` / `valid_max`.
 *    (netCDF4-python no longer turns the fill value into a bound, issues #748 and #761; neither do we.)
 * 5. Unmasked values are unpacked: stored * scale_factor + add_offset, in float64.
 */
export interface CfDecodeOptions {
  /** Mask the netCDF default fill value of the stored type when there is no usable `_FillValue`. */
  readonly netcdfDefaultFill?: boolean;
}

export interface DecodedValues<T extends Float32Array | Float64Array = Float64Array> {
  /** Physical values; masked entries are NaN. */
  readonly values: T;
  /** How many entries were masked by _FillValue, missing_value or the valid bounds (or were NaN already). */
  readonly missing: number;
}

/** The masking and packing a variable's attributes describe (xarray's `encoding`), resolved for its stored type. */
export interface CfEncoding {
  /** Stored signed integers that mean unsigned ones (`_Unsigned = "true"`). */
  readonly unsigned: boolean;
  /** Stored values that mean "missing", in the unsigned reading when `unsigned`; NaN masks NaN. */
  readonly fillValues: readonly number[];
  readonly validMin?: number;
  readonly validMax?: number;
  readonly scaleFactor: number;
  readonly addOffset: number;
  /** netCDF's default fill of the stored type, when it applies (rule 3); a bigint for int64 and uint64. */
  readonly defaultFill?: number | bigint;
}

/** netCDF-C's NC_FILL_* (netcdf.h), the values netCDF4-python's `default_fillvals` holds. */
const NETCDF_DEFAULT_FILL: Record<NumericDType, number | bigint> = {
  int8: -127,
  uint8: 255,
  int16: -32767,
  uint16: 65535,
  int32: -2147483647,
  uint32: 4294967295,
  // Not doubles: int64 data are compared as bigints.
  int64: -9223372036854775806n,
  uint64: 18446744073709551614n,
  float32: 9.969209968386869e36,
  float64: 9.969209968386869e36,
};

const UNSIGNED_OF: Partial<Record<NumericDType, NumericDType>> = {
  int8: "uint8",
  int16: "uint16",
  int32: "uint32",
  int64: "uint64",
};

/** Resolves a variable's CF attributes against its stored dtype (rules 1, 2 and 4 above). */
export function cfEncoding(
  attrs: Attrs,
  dtype: NumericDType,
  name = "variable",
  options: CfDecodeOptions = {},
): CfEncoding {
  const scaleFactor = numberAttr(attrs, "scale_factor") ?? 1;
  const addOffset = numberAttr(attrs, "add_offset") ?? 0;
  if (!Number.isFinite(scaleFactor) || !Number.isFinite(addOffset)) {
    throw new FieldbenchError("INVALID_VALUE", `${name}: scale_factor/add_offset must be finite numbers`);
  }
  const unsignedType = isUnsignedAttr(attrs) ? UNSIGNED_OF[dtype] : undefined;
  const holds = storedTypeHolds(dtype);
  const usable = (key: string): number[] | undefined => {
    const values = numberListAttr(attrs, key);
    return values.length > 0 && values.every(holds) ? values : undefined;
  };
  // Attributes are written in the signed type; their bits mean the same unsigned value as the data's.
  const wrap =
    unsignedType === undefined ? (v: number) => v : (v: number) => (v < 0 ? v + 2 ** (8 * bytesOf(dtype)) : v);
  const fill = usable("_FillValue");
  const fillValues = [...(usable("missing_value") ?? []), ...(fill === undefined ? [] : [fill[0] as number])].map(wrap);
  // With _Unsigned, netCDF4-python compares the signed default (always negative) with unsigned data: never equal.
  const defaultFill =
    fill === undefined && options.netcdfDefaultFill === true && unsignedType === undefined
      ? NETCDF_DEFAULT_FILL[dtype]
      : undefined;
  const range = usable("valid_range");
  const [validMin, validMax] =
    range !== undefined && range.length === 2 ? range : [usable("valid_min")?.[0], usable("valid_max")?.[0]];
  return {
    unsigned: unsignedType !== undefined,
    fillValues,
    scaleFactor,
    addOffset,
    ...(defaultFill === undefined ? {} : { defaultFill }),
    ...(validMin === undefined ? {} : { validMin: wrap(validMin) }),
    ...(validMax === undefined ? {} : { validMax: wrap(validMax) }),
  };
}

/** netCDF4-python 1.6 compares case-insensitively ("TRUE" counts; tools/fixtures/cf.py has the case). */
function isUnsignedAttr(attrs: Attrs): boolean {
  return stringAttr(attrs, "_Unsigned")?.toLowerCase() === "true";
}

function bytesOf(dtype: NumericDType): number {
  return Number(dtype.replace(/^u?int|^float/, "")) / 8;
}

/** netCDF4-python's `_safecast`: whether a value survives a cast to the stored type unchanged. */
function storedTypeHolds(dtype: NumericDType): (value: number) => boolean {
  if (dtype === "float64") return () => true;
  if (dtype === "float32") return (v) => Number.isNaN(v) || Math.fround(v) === v;
  if (dtype === "int64") return (v) => Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63;
  if (dtype === "uint64") return (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 64;
  const bits = 8 * bytesOf(dtype);
  const signed = dtype.startsWith("int");
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  return (v) => Number.isInteger(v) && v >= lo && v <= hi;
}

/** Decodes a variable into float64 (inspect's statistics and values, coordinates, times). */
export function decodeVariable(
  raw: NumericArray,
  attrs: Attrs,
  name?: string,
  options?: CfDecodeOptions,
): DecodedValues<Float64Array> {
  return decodeAs(Float64Array, raw, attrs, name, options);
}

/**
 * Decodes a variable into float32, the dtype fields travel in (score, loaders, the suite): unpacked in float64,
 * then rounded once, with no float64 intermediate array.
 */
export function decodeVariableFloat32(
  raw: NumericArray,
  attrs: Attrs,
  name?: string,
  options?: CfDecodeOptions,
): DecodedValues<Float32Array> {
  return decodeAs(Float32Array, raw, attrs, name, options);
}

function decodeAs<T extends Float32Array | Float64Array>(
  Out: { new (length: number): T },
  raw: NumericArray,
  attrs: Attrs,
  name = "variable",
  options: CfDecodeOptions = {},
): DecodedValues<T> {
  // Floats of the wanted type with nothing to decode (SuperBench's fields) pass through without a copy.
  if (raw instanceof Out && isIdentity(cfEncoding(attrs, dtypeOf(raw), name, options))) {
    return { values: raw as T, missing: countNaN(raw as T) };
  }
  const out = new Out(raw.length);
  return { values: out, missing: decodeInto(raw, attrs, out, name, options) };
}

/** Nothing to mask or unpack: the stored floats are the values (NaN stays NaN). */
function isIdentity(encoding: CfEncoding): boolean {
  return (
    encoding.scaleFactor === 1 &&
    encoding.addOffset === 0 &&
    encoding.fillValues.every(Number.isNaN) &&
    encoding.defaultFill === undefined &&
    encoding.validMin === undefined &&
    encoding.validMax === undefined
  );
}

function countNaN(values: Float32Array | Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) n++;
  return n;
}

function decodeInto(
  raw: NumericArray,
  attrs: Attrs,
  out: Float32Array | Float64Array,
  name = "variable",
  options: CfDecodeOptions = {},
): number {
  const dtype = dtypeOf(raw);
  const encoding = cfEncoding(attrs, dtype, name, options);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    return decodeBigInts(raw, encoding, out);
  }
  const stored = encoding.unsigned ? unsignedView(raw) : raw;
  return decodeValues(stored as Exclude<NumericArray, BigInt64Array | BigUint64Array>, encoding, out);
}

/** Masks then unpacks stored values (already read unsigned where `_Unsigned` says so) into `out`; returns the missing count. */
export function decodeValues(
  stored: ArrayLike<number>,
  encoding: CfEncoding,
  out: Float32Array | Float64Array,
): number {
  const { scaleFactor, addOffset, validMin, validMax } = encoding;
  const fills = [...encoding.fillValues, encoding.defaultFill].filter(
    (f): f is number => typeof f === "number" && !Number.isNaN(f),
  );
  const lo = validMin ?? Number.NEGATIVE_INFINITY;
  const hi = validMax ?? Number.POSITIVE_INFINITY;
  // Two fill values in locals cover nearly every file (_FillValue plus missing_value); a Set only beyond.
  const fill0 = fills[0] ?? Number.NaN;
  const fill1 = fills[1] ?? Number.NaN;
  const more = fills.length > 2 ? new Set(fills) : undefined;
  const unpack = scaleFactor !== 1 || addOffset !== 0;
  let missing = 0;
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i] as number;
    // NaN stays NaN whether or not a NaN fill value masks it; either way it counts as missing.
    if (Number.isNaN(v) || v === fill0 || v === fill1 || v < lo || v > hi || more?.has(v) === true) {
      out[i] = Number.NaN;
      missing++;
    } else out[i] = unpack ? v * scaleFactor + addOffset : v;
  }
  return missing;
}

/** int64 data: fill values and bounds compared as bigints, where doubles would round near 2^63. */
function decodeBigInts(
  raw: BigInt64Array | BigUint64Array,
  encoding: CfEncoding,
  out: Float32Array | Float64Array,
): number {
  const stored = encoding.unsigned ? new BigUint64Array(raw.buffer, raw.byteOffset, raw.length) : raw;
  const fills = new Set<bigint>(encoding.fillValues.filter(Number.isInteger).map((f) => BigInt(f)));
  if (typeof encoding.defaultFill === "bigint") fills.add(encoding.defaultFill);
  const lo = encoding.validMin === undefined ? undefined : BigInt(encoding.validMin);
  const hi = encoding.validMax === undefined ? undefined : BigInt(encoding.validMax);
  const { scaleFactor, addOffset } = encoding;
  let missing = 0;
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i] as bigint;
    if (fills.has(v) || (lo !== undefined && v < lo) || (hi !== undefined && v > hi)) {
      out[i] = Number.NaN;
      missing++;
    } else out[i] = Number(v) * scaleFactor + addOffset;
  }
  return missing;
}

/**
 * NetCDF3 has no unsigned integers, so writers store them signed and set `_Unsigned = "true"` (NetCDF User
 * Guide; netCDF4-python and xarray honour it). The same bytes seen as unsigned.
 */
function unsignedView(raw: NumericArray): NumericArray {
  const { buffer, byteOffset, length } = raw;
  if (raw instanceof Int8Array) return new Uint8Array(buffer, byteOffset, length);
  if (raw instanceof Int16Array) return new Uint16Array(buffer, byteOffset, length);
  if (raw instanceof Int32Array) return new Uint32Array(buffer, byteOffset, length);
  return raw;
}
