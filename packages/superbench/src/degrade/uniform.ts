import { createRng } from "@fieldbench/core";
import { resamplePlanes, strideWeights } from "@fieldbench/models";
import { type FieldShape, checkScale } from "./shape.js";

/** SuperBench "uniform": X = y[:, ::s, ::s], every s-th pixel from index 0, no filtering. */
export function uniform(data: Float32Array, shape: FieldShape, scale: number): Float32Array {
  const [c, h, w] = shape;
  checkScale(shape, scale, "uniform");
  return resamplePlanes(data, c, strideWeights(h, scale), strideWeights(w, scale));
}

/**
 * SuperBench "noisy_uniform": uniform + ratio * std_c * N(0, 1) per LR pixel, std_c the dataset's channel std in
 * physical units. SuperBench redrew the noise at every load; fieldbench freezes it with `seed` (derived from
 * dataset, split and snapshot index) so a test set is identical on every run. Draws run channel by channel,
 * row-major, from createRng(seed).normal().
 */
export function noisyUniform(
  data: Float32Array,
  shape: FieldShape,
  scale: number,
  ratio: number,
  std: readonly number[],
  seed: number,
): Float32Array {
  const out = uniform(data, shape, scale);
  const c = shape[0];
  const plane = out.length / c;
  const rng = createRng(seed);
  for (let ch = 0; ch < c; ch++) {
    const sigma = ratio * std[ch]!;
    for (let i = ch * plane; i < (ch + 1) * plane; i++) out[i] = out[i]! + sigma * rng.normal();
  }
  return out;
}
