import { cubicWeights, resamplePlanes } from "@fieldbench/models";
import { type FieldShape, lrSize } from "./shape.js";

/**
 * SuperBench's downsampler for ERA5: torch interpolate(bicubic, antialias=False). Plain 4-tap cubic with A = -0.75,
 * source x = (o + 0.5) s - 0.5, border indices clamped. It point-samples without a low-pass filter, so it aliases.
 */
export function bicubic(data: Float32Array, shape: FieldShape, scale: number): Float32Array {
  const [c, h, w] = shape;
  const [oh, ow] = lrSize(shape, scale, "bicubic");
  return resamplePlanes(data, c, cubicWeights(h, oh, -0.75, false), cubicWeights(w, ow, -0.75, false));
}
