import { antialiasWeights, cubicKernel, resamplePlanes } from "@fieldbench/models";
import { type FieldShape, lrSize } from "./shape.js";

/**
 * SuperBench's downsampler for NSKT and cosmology: torchvision Resize(bicubic, antialias=True), which is Pillow's
 * resampler. Separable Keys cubic a = -0.5 stretched by s (support 2s), output o centred at input (o + 0.5) s,
 * taps outside the image dropped and the weights renormalised; no clamping of values.
 */
export function bicubicAa(data: Float32Array, shape: FieldShape, scale: number): Float32Array {
  const [c, h, w] = shape;
  const [oh, ow] = lrSize(shape, scale, "bicubic-aa");
  const kernel = (x: number) => cubicKernel(x, -0.5);
  return resamplePlanes(data, c, antialiasWeights(h, oh, kernel, 2), antialiasWeights(w, ow, kernel, 2));
}
