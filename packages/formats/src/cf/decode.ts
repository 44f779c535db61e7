import { type Attrs, FieldbenchError, type NumericArray } from "@fieldbench/core";
import { numberAttr, numberListAttr, stringAttr } from "./attrs.js";

export interface DecodedValues {
  /** Physical values; masked entries are NaN. */
  readonly values: Float64Array;
  /** How many entries were masked by _FillValue, missing_value or valid_range (or were NaN already). */
  readonly missing: number;
}

/** The masking and packing a variable's attributes describe (xarray's `encoding`). */
export interface CfEncoding {
  readonly fillValues: readonly number[];
  readonly validMin?: number;
  readonly validMax?: number;
  readonly scaleFactor: number;
  readonly addOffset: number;
}

/**
 * Reads the CF encoding from attributes. Masking compares *stored* values (before unpacking), as the
 * CF conventions and netCDF4-python / xarray do; valid_range overrides valid_min / valid_max.
 */
export function cfEncoding(attrs: Attrs, name = "variable"): CfEncoding {
  const scaleFactor = numberAttr(attrs, "scale_factor") ?? 1;
  const addOffset = numberAttr(attrs, "add_offset") ?? 0;
  if (!Number.isFinite(scaleFactor) || !Number.isFinite(addOffset)) {
    throw new FieldbenchError("INVALID_VALUE", `${name}: scale_factor/add_offset must be finite numbers`);
  }
  const fillValues = [...numberListAttr(attrs, "_FillValue"), ...numberListAttr(attrs, "missing_value")];
  const range = numberListAttr(attrs, "valid_range");
  const validMin = range.length === 2 ? range[0] : numberAttr(attrs, "valid_min");
  const validMax = range.length === 2 ? range[1] : numberAttr(attrs, "valid_max");
  return {
    fillValues,
    scaleFactor,
    addOffset,
    ...(validMin === undefined ? {} : { validMin }),
    ...(validMax === undefined ? {} : { validMax }),
  };
}

/** Masks then unpacks stored values into physical float64 values with NaN for missing. */
export function decodeValues(raw: NumericArray, encoding: CfEncoding): DecodedValues {
  const n = raw.length;
  const values = new Float64Array(n);
  const { scaleFactor, addOffset, fillValues, validMin, validMax } = encoding;
  // netCDF4-python ignores (with a warning) a fill value or bound the stored type cannot hold exactly, such as
  // a double missing_value of 1e20 on float32 data or a valid_max of 100.5 on int16 data (its _check_safecast).
  const holds = storedTypeHolds(raw);
  const fills = new Set(fillValues.filter(holds));
  const lo = validMin !== undefined && holds(validMin) ? validMin : Number.NEGATIVE_INFINITY;
  const hi = validMax !== undefined && holds(validMax) ? validMax : Number.POSITIVE_INFINITY;
  const isBig = raw instanceof BigInt64Array || raw instanceof BigUint64Array;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const stored = isBig ? Number(raw[i] as bigint) : (raw[i] as number);
    if (Number.isNaN(stored) || fills.has(stored) || stored < lo || stored > hi) {
      values[i] = Number.NaN;
      missing++;
    } else {
      values[i] = stored * scaleFactor + addOffset;
    }
  }
  return { values, missing };
}

/** Whether a value survives a round trip through the array's element type unchanged. */
function storedTypeHolds(raw: NumericArray): (value: number) => boolean {
  if (raw instanceof Float64Array) return () => true;
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) return (v) => Number.isInteger(v);
  const probe = new (raw.constructor as Float32ArrayConstructor)(1);
  const isFloat = raw instanceof Float32Array;
  return (v) => {
    if (Number.isNaN(v)) return isFloat;
    probe[0] = v;
    return probe[0] === v;
  };
}

/** Decodes a variable in one call from its attributes. */
export function decodeVariable(raw: NumericArray, attrs: Attrs, name?: string): DecodedValues {
  const encoding = cfEncoding(attrs, name);
  const unsigned = stringAttr(attrs, "_Unsigned")?.toLowerCase() === "true" ? unsignedView(raw) : undefined;
  if (unsigned === undefined) return decodeValues(raw, encoding);
  // The attributes were written in the signed type too: -1 on a byte variable means 255.
  const wrap = (v: number) => (v < 0 ? v + 2 ** (8 * raw.BYTES_PER_ELEMENT) : v);
  const { validMin, validMax } = encoding;
  return decodeValues(unsigned, {
    ...encoding,
    fillValues: encoding.fillValues.map(wrap),
    ...(validMin === undefined ? {} : { validMin: wrap(validMin) }),
    ...(validMax === undefined ? {} : { validMax: wrap(validMax) }),
  });
}

/**
 * NetCDF3 has no unsigned integers, so writers store them signed and set `_Unsigned = "true"` (NetCDF User
 * Guide; netCDF4-python and xarray honour it). Returns the same bytes seen as unsigned, or undefined.
 */
function unsignedView(raw: NumericArray): NumericArray | undefined {
  const { buffer, byteOffset, length } = raw;
  if (raw instanceof Int8Array) return new Uint8Array(buffer, byteOffset, length);
  if (raw instanceof Int16Array) return new Uint16Array(buffer, byteOffset, length);
  if (raw instanceof Int32Array) return new Uint32Array(buffer, byteOffset, length);
  if (raw instanceof BigInt64Array) return new BigUint64Array(buffer, byteOffset, length);
  return undefined;
}
