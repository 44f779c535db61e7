import { FieldbenchError } from "@fieldbench/core";
import { symmetricEigenvalues } from "./symmetric-eigen.js";

/**
 * One layer's weights as a stack of matrices, the way WeightWatcher slices them: a dense kernel is one matrix, a
 * Conv2D kernel [kh, kw, in, out] is kh * kw matrices [in, out] (one per kernel position), an FNO spectral kernel is
 * one complex matrix [in, out] per retained Fourier mode.
 */
export interface LayerMatrices {
  /** Rows and columns of each slice (row-major). */
  readonly rows: number;
  readonly cols: number;
  readonly slices: number;
  /** slices * rows * cols values; the real part when `im` is set. */
  readonly re: ArrayLike<number>;
  /** Imaginary part of complex weights. */
  readonly im?: ArrayLike<number>;
}

/**
 * The empirical spectral density's support: the eigenvalues of W^T W (the squared singular values of W) of every
 * slice, pooled and sorted ascending, min(rows, cols) per slice. Like WeightWatcher (normalize off, its default
 * since 0.6.5) we do not divide by N. Computed from the Gram matrix of the smaller side in float64: its rounding
 * error is about 1e-16 * lambda_max, far below anything the power-law fit or a plot resolves.
 */
export function pooledEigenvalues(layer: LayerMatrices): Float64Array {
  const { rows, cols, slices } = layer;
  const size = rows * cols;
  if (layer.re.length !== slices * size || (layer.im !== undefined && layer.im.length !== slices * size)) {
    throw new FieldbenchError("SHAPE_MISMATCH", `${layer.re.length} weights for ${slices} slices of ${rows}x${cols}`);
  }
  const per = Math.min(rows, cols);
  const out = new Float64Array(slices * per);
  for (let s = 0; s < slices; s++) {
    const evals =
      layer.im === undefined
        ? sliceEigenvalues(layer.re, s * size, rows, cols)
        : complexSliceEigenvalues(layer.re, layer.im, s * size, rows, cols);
    out.set(evals, s * per);
  }
  return out.sort();
}

/** Eigenvalues of the Gram matrix of the smaller side of one real rows x cols slice starting at `offset`. */
function sliceEigenvalues(w: ArrayLike<number>, offset: number, rows: number, cols: number): Float64Array {
  const byCols = cols <= rows;
  const m = byCols ? cols : rows;
  const k = byCols ? rows : cols;
  // element (i, t) of the m x k matrix whose Gram we take
  const at = byCols
    ? (i: number, t: number) => w[offset + t * cols + i]!
    : (i: number, t: number) => w[offset + i * cols + t]!;
  const vectors = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let t = 0; t < k; t++) vectors[i * k + t] = at(i, t);
  return clampNonNegative(symmetricEigenvalues(lowerGram(vectors, m, k), m));
}

/**
 * A complex slice W = A + iB: W^H W is Hermitian, and the real symmetric matrix of the embedding
 * [[A, -B], [B, A]] has each of its eigenvalues twice, so we solve that and keep one of each pair.
 */
function complexSliceEigenvalues(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  offset: number,
  rows: number,
  cols: number,
): Float64Array {
  const r2 = 2 * rows;
  const c2 = 2 * cols;
  const embedded = new Float64Array(r2 * c2);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const a = re[offset + i * cols + j]!;
      const b = im[offset + i * cols + j]!;
      embedded[i * c2 + j] = a;
      embedded[i * c2 + cols + j] = -b;
      embedded[(rows + i) * c2 + j] = b;
      embedded[(rows + i) * c2 + cols + j] = a;
    }
  }
  const doubled = sliceEigenvalues(embedded, 0, r2, c2);
  const out = new Float64Array(doubled.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (doubled[2 * i]! + doubled[2 * i + 1]!) / 2;
  return out;
}

/** The lower triangle of V V^T for m row vectors of length k. */
function lowerGram(v: Float64Array, m: number, k: number): Float64Array {
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) sum += v[i * k + t]! * v[j * k + t]!;
      g[i * m + j] = sum;
    }
  }
  return g;
}

/** A Gram matrix is positive semi-definite; rounding can leave its zero eigenvalues at -1e-17. */
function clampNonNegative(values: Float64Array): Float64Array {
  for (let i = 0; i < values.length; i++) if (values[i]! < 0) values[i] = 0;
  return values;
}
