import { FieldbenchError, sha256Bytes } from "@fieldbench/core";
import type { Model, ModelOptions, PredictOptions } from "./model.js";
import { type AxisWeights, cubicWeights, linearWeights, nearestWeights, resamplePlanes } from "./resample.js";

/**
 * Interpolation baselines. `nearest`, `bilinear` and `bicubic` use the pixel-centre convention (LR sample k sits at
 * HR coordinate (k + 0.5) s - 0.5, the same convention as the degradations), `bicubic` with PyTorch's A = -0.75 and
 * clamped borders. `bicubic-superbench` is SuperBench's published Bicubic baseline, F.interpolate(bicubic,
 * align_corners=True): LR k lands on HR k (N - 1)/(n - 1), which is misaligned with the downsampler by up to
 * (s - 1)/2 HR pixels at the edges. It exists to reproduce the published numbers, not as a fair baseline.
 */
export const INTERPOLATION_NAMES = ["nearest", "bilinear", "bicubic", "bicubic-superbench"] as const;
export type InterpolationName = (typeof INTERPOLATION_NAMES)[number];

const AXIS_WEIGHTS: Record<InterpolationName, (inSize: number, outSize: number) => AxisWeights> = {
  nearest: nearestWeights,
  bilinear: linearWeights,
  bicubic: (i, o) => cubicWeights(i, o, -0.75, false),
  "bicubic-superbench": (i, o) => cubicWeights(i, o, -0.75, true),
};

/** Definitions hashed into the model's integrity, so a change of kernel changes the identity. */
const DEFINITIONS: Record<InterpolationName, string> = {
  nearest: "nearest; src = floor((o + 0.5) * in/out)",
  bilinear: "bilinear; src = max((o + 0.5) * in/out - 0.5, 0); clamped",
  bicubic: "bicubic A=-0.75; src = (o + 0.5) * in/out - 0.5; clamped",
  "bicubic-superbench": "bicubic A=-0.75; align_corners=True; src = o * (in - 1)/(out - 1); clamped",
};

export function isInterpolationName(name: string): name is InterpolationName {
  return (INTERPOLATION_NAMES as readonly string[]).includes(name);
}

/** Upsamples [N, C, h, w] by an integer factor with the named kernel. */
export function interpolate(
  name: InterpolationName,
  data: Float32Array,
  shape: readonly [number, number, number, number],
  scale: number,
): Float32Array {
  const [n, c, h, w] = shape;
  if (!Number.isInteger(scale) || scale < 1) {
    throw new FieldbenchError("INVALID_VALUE", `${name}: scale ${scale} is not a positive integer`);
  }
  const weights = AXIS_WEIGHTS[name];
  return resamplePlanes(data, n * c, weights(h, h * scale), weights(w, w * scale));
}

export function createInterpolationModel(name: InterpolationName, _options: ModelOptions = {}): Model {
  return {
    name,
    version: "1",
    parameters: 0,
    integrity: `sha256-${sha256Bytes(DEFINITIONS[name])}`,
    predict: async (lrBatch, shape, options: PredictOptions) => interpolate(name, lrBatch, shape, options.scale),
  };
}
