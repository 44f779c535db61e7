import { FieldbenchError } from "@fieldbench/core";
import { bicubic } from "./bicubic.js";
import { bicubicAa } from "./bicubic-aa.js";
import type { FieldShape } from "./shape.js";
import { noisyUniform, uniform } from "./uniform.js";

export { bicubic } from "./bicubic.js";
export { bicubicAa } from "./bicubic-aa.js";
export { noisyUniform, uniform } from "./uniform.js";
export type { FieldShape } from "./shape.js";

export const DEGRADE_METHODS = ["bicubic-aa", "bicubic", "uniform", "noisy-uniform"] as const;
export type DegradeMethod = (typeof DEGRADE_METHODS)[number];

export interface DegradeOptions {
  readonly scale: number;
  /** noisy-uniform: noise std as a fraction of the channel std (0.05, 0.10). */
  readonly ratio?: number;
  /** noisy-uniform: per-channel std in physical units (the dataset's constants). */
  readonly std?: readonly number[];
  /** noisy-uniform: RNG seed (deriveSeed(dataset, split, index) in the suite). */
  readonly seed?: number;
}

export function isDegradeMethod(name: string): name is DegradeMethod {
  return (DEGRADE_METHODS as readonly string[]).includes(name);
}

/** One snapshot [C, H, W] -> LR [C, h, w] by the named SuperBench degradation. */
export function degrade(
  method: DegradeMethod,
  data: Float32Array,
  shape: FieldShape,
  options: DegradeOptions,
): Float32Array {
  switch (method) {
    case "bicubic-aa":
      return bicubicAa(data, shape, options.scale);
    case "bicubic":
      return bicubic(data, shape, options.scale);
    case "uniform":
      return uniform(data, shape, options.scale);
    case "noisy-uniform": {
      const { ratio, std, seed } = options;
      if (ratio === undefined || std === undefined || seed === undefined) {
        throw new FieldbenchError("BAD_USAGE", "noisy-uniform needs a noise ratio, the channel std and a seed");
      }
      if (std.length !== shape[0]) {
        throw new FieldbenchError(
          "SHAPE_MISMATCH",
          `noisy-uniform: ${std.length} channel stds for ${shape[0]} channels`,
        );
      }
      return noisyUniform(data, shape, options.scale, ratio, std, seed);
    }
  }
}

/** LR shape produced by `method` at `scale`. */
export function degradedShape(method: DegradeMethod, shape: FieldShape, scale: number): FieldShape {
  if (method === "uniform" || method === "noisy-uniform") {
    return [shape[0], Math.ceil(shape[1] / scale), Math.ceil(shape[2] / scale)];
  }
  return [shape[0], Math.floor(shape[1] / scale), Math.floor(shape[2] / scale)];
}
