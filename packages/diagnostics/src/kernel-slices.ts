import type { LayerMatrices } from "./esd.js";

export type KernelKind = "dense" | "conv2d" | "spectral";

/**
 * How a TF.js kernel becomes matrices, WeightWatcher's way (its conv2D_Wmats): a Dense kernel [in, out] is one
 * matrix; a Conv2D kernel [kh, kw, in, out] is kh * kw matrices [in, out], one per kernel position, whose
 * eigenvalues are pooled into one ESD; an FNO spectral kernel [modes, in, out] (real and imaginary parts) is one
 * complex matrix per retained Fourier mode, pooled the same way. TF.js stores all three row-major with the
 * slice index outermost, so each slice is a contiguous block. Other ranks are not weight matrices (biases).
 */
export function kernelSlices(
  shape: readonly number[],
  re: ArrayLike<number>,
  im?: ArrayLike<number>,
): { kind: KernelKind; matrices: LayerMatrices } | undefined {
  const withIm = im === undefined ? {} : { im };
  if (shape.length === 2 && im === undefined)
    return { kind: "dense", matrices: { rows: shape[0]!, cols: shape[1]!, slices: 1, re } };
  if (shape.length === 4 && im === undefined)
    return { kind: "conv2d", matrices: { rows: shape[2]!, cols: shape[3]!, slices: shape[0]! * shape[1]!, re } };
  if (shape.length === 3 && im !== undefined)
    return { kind: "spectral", matrices: { rows: shape[1]!, cols: shape[2]!, slices: shape[0]!, re, ...withIm } };
  return undefined;
}
