import type { Attrs, NumericArray } from "@fieldbench/core";
import { cfEncoding, decodeVariable } from "@fieldbench/formats";

/**
 * CF decoding (mask, then unpack) straight into Float32, the dtype fields travel in. Same arithmetic as
 * formats' decodeValues (stored * scale_factor + add_offset in float64, then rounded once to float32),
 * without its per-element Set lookups or the float64 intermediate array: a 721 x 1440 ERA5 field decodes
 * in a few milliseconds.
 */
export function decodeToFloat32(raw: NumericArray, attrs: Attrs, name: string): Float32Array {
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    return Float32Array.from(decodeVariable(raw, attrs, name).values);
  }
  const { scaleFactor, addOffset, fillValues, validMin, validMax } = cfEncoding(attrs, name);
  const fills = fillValues.filter((f) => !Number.isNaN(f));
  const lo = validMin ?? Number.NEGATIVE_INFINITY;
  const hi = validMax ?? Number.POSITIVE_INFINITY;
  const out = new Float32Array(raw.length);
  const values = raw as Exclude<NumericArray, BigInt64Array | BigUint64Array>;
  if (scaleFactor === 1 && addOffset === 0 && fills.length === 0 && validMin === undefined && validMax === undefined) {
    out.set(values);
    return out;
  }
  const fill0 = fills[0] ?? Number.NaN;
  const fill1 = fills[1] ?? Number.NaN;
  const more = fills.length > 2 ? new Set(fills) : undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v) || v === fill0 || v === fill1 || v < lo || v > hi || more?.has(v)) out[i] = Number.NaN;
    else out[i] = v * scaleFactor + addOffset;
  }
  return out;
}
