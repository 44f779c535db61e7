import type * as tf from "@tensorflow/tfjs-core";

/**
 * Weights stored as IEEE half floats with tfjs's own quantization entry (`quantization: {dtype: "float16"}` in
 * model.json's weightsManifest), so tfjs-converter's loaders, tfjs-node and a browser dequantize them as tfjs does,
 * and the files are half the size. Which packages may be stored so is the trainer's decision (it measures the
 * change in validation RFNE); this module only converts.
 */
export type WeightDtype = "float32" | "float16";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `x`, rounded to nearest, ties to even (numpy's `astype(float16)`). */
export function float16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200); // inf, or a quiet NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflows to inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the full 24-bit significand into the 10-bit field.
    if (e < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    return sign | roundShift(significand, shift);
  }
  // A carry out of the mantissa rounds into the exponent, which is the right answer (up to inf).
  return sign | ((e << 10) + roundShift(mantissa, 13));
}

/** `value >> shift` rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** Bytes one element of a manifest entry takes on disk (its quantized type when it has one). */
export function storedBytesPerElement(spec: tf.io.WeightsManifestEntry): number {
  const dtype = spec.quantization?.dtype;
  if (dtype === "float16" || dtype === "uint16") return 2;
  if (dtype === "uint8") return 1;
  return 4;
}

/**
 * The weights as `dtype`: float32 entries become float16 ones with tfjs's quantization entry; entries that are
 * already quantized or not float32 (none in the baselines) pass through unchanged.
 */
export function encodeWeights(
  specs: readonly tf.io.WeightsManifestEntry[],
  data: Uint8Array,
  dtype: WeightDtype,
): { specs: tf.io.WeightsManifestEntry[]; data: Uint8Array } {
  if (dtype === "float32") return { specs: [...specs], data };
  const out: Uint8Array[] = [];
  const outSpecs: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = count * storedBytesPerElement(spec);
    const chunk = data.subarray(offset, offset + bytes);
    offset += bytes;
    if (spec.dtype !== "float32" || spec.quantization !== undefined) {
      out.push(chunk);
      outSpecs.push(spec);
      continue;
    }
    // A copy, not a view: `data` may be a Buffer whose `.buffer` is a shared pool at another offset.
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(chunk);
    const half = new Uint16Array(count);
    for (let i = 0; i < count; i++) half[i] = float16Bits(values[i]!);
    out.push(new Uint8Array(half.buffer));
    outSpecs.push({ ...spec, quantization: { dtype: "float16" } });
  }
  return { specs: outSpecs, data: Buffer.concat(out) };
}
