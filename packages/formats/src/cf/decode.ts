import { type Attrs, FieldbenchError, type NumericArray } from "@fieldbench/core";
import { numberAttr, numberListAttr } from "./attrs.js";

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
  // Compare in the stored type, as netCDF4-python casts the attributes to it: a double missing_value of 1e20
  // must match float32 data holding 1e20 (1.0000000200408773e20 as a double).
  const asStored = raw instanceof Float32Array ? Math.fround : (v: number) => v;
  const fills = new Set(fillValues.map(asStored));
  const lo = validMin === undefined ? Number.NEGATIVE_INFINITY : asStored(validMin);
  const hi = validMax === undefined ? Number.POSITIVE_INFINITY : asStored(validMax);
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

/** Decodes a variable in one call from its attributes. */
export function decodeVariable(raw: NumericArray, attrs: Attrs, name?: string): DecodedValues {
  return decodeValues(raw, cfEncoding(attrs, name));
}
