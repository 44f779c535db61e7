import { FieldbenchError, checkAllocation } from "@fieldbench/core";

/**
 * Separable resampling: a per-axis table of taps (input indices and weights) for every output index, applied
 * along x (rows) first and then along y, as Pillow does. Accumulation is in float64; the intermediate and the
 * output are float32, so the Pillow "F" mode resize is reproduced to rounding.
 */
export interface AxisWeights {
  readonly inSize: number;
  readonly outSize: number;
  /** Taps per output sample (unused taps have weight 0 and index 0). */
  readonly taps: number;
  /** [outSize * taps] input indices. */
  readonly index: Int32Array;
  /** [outSize * taps] weights. */
  readonly weight: Float64Array;
  /** Per output: first input index and tap count when its taps are consecutive indices (fast path), else count -1. */
  readonly start: Int32Array;
  readonly count: Int32Array;
}

/** Keys cubic convolution kernel with coefficient `a` (Pillow: -0.5, PyTorch: -0.75). */
export function cubicKernel(x: number, a: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/**
 * Pillow's antialiased weights (ImagingResample precompute_coeffs): the kernel of support `support` stretched
 * by the scale when shrinking, output o centred at input (o + 0.5) * scale, taps outside the image dropped and
 * the rest renormalised. No clamping.
 */
export function antialiasWeights(
  inSize: number,
  outSize: number,
  kernel: (x: number) => number,
  support: number,
): AxisWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const radius = support * filterScale;
  const taps = Math.ceil(radius) * 2 + 1;
  const { index, weight } = allocateTable(outSize, taps);
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // Pillow truncates toward zero (C cast), then clips to the image.
    const xmin = Math.max(Math.trunc(center - radius + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + radius + 0.5), inSize);
    start[o] = xmin;
    count[o] = Math.max(xmax - xmin, 0);
    let sum = 0;
    for (let x = xmin; x < xmax; x++) sum += kernel((x - center + 0.5) / filterScale);
    for (let x = xmin; x < xmax; x++) {
      const k = o * taps + (x - xmin);
      index[k] = x;
      weight[k] = sum === 0 ? 0 : kernel((x - center + 0.5) / filterScale) / sum;
    }
  }
  return { inSize, outSize, taps, index, weight, start, count };
}

/**
 * PyTorch `interpolate(mode="bicubic", antialias=False)` weights: 4 taps around the source coordinate, border
 * indices clamped. `alignCorners` false: x = (o + 0.5) * in/out - 0.5; true: x = o * (in - 1)/(out - 1).
 */
export function cubicWeights(inSize: number, outSize: number, a: number, alignCorners: boolean): AxisWeights {
  const { index, weight } = allocateTable(outSize, 4);
  for (let o = 0; o < outSize; o++) {
    const x = sourceCoordinate(o, inSize, outSize, alignCorners);
    const x0 = Math.floor(x);
    const t = x - x0;
    const w = [cubicKernel(t + 1, a), cubicKernel(t, a), cubicKernel(1 - t, a), cubicKernel(2 - t, a)];
    for (let k = 0; k < 4; k++) {
      index[o * 4 + k] = clampIndex(x0 - 1 + k, inSize);
      weight[o * 4 + k] = w[k]!;
    }
  }
  return withRuns({ inSize, outSize, taps: 4, index, weight });
}

/** PyTorch bilinear weights (align_corners false: source clamped at 0, as PyTorch's linear modes do). */
export function linearWeights(inSize: number, outSize: number): AxisWeights {
  const { index, weight } = allocateTable(outSize, 2);
  for (let o = 0; o < outSize; o++) {
    const x = Math.max(sourceCoordinate(o, inSize, outSize, false), 0);
    const x0 = Math.floor(x);
    const t = x - x0;
    index[o * 2] = clampIndex(x0, inSize);
    index[o * 2 + 1] = clampIndex(x0 + 1, inSize);
    weight[o * 2] = 1 - t;
    weight[o * 2 + 1] = t;
  }
  return withRuns({ inSize, outSize, taps: 2, index, weight });
}

/** Nearest neighbour on pixel centres: output o takes input floor((o + 0.5) * in/out). */
export function nearestWeights(inSize: number, outSize: number): AxisWeights {
  const { index, weight } = allocateTable(outSize, 1);
  for (let o = 0; o < outSize; o++) {
    index[o] = clampIndex(Math.floor(((o + 0.5) * inSize) / outSize), inSize);
    weight[o] = 1;
  }
  return withRuns({ inSize, outSize, taps: 1, index, weight });
}

/** Every `step`-th sample from index 0 (SuperBench's "uniform" degradation). */
export function strideWeights(inSize: number, step: number): AxisWeights {
  const outSize = Math.floor((inSize - 1) / step) + 1;
  const { index, weight } = allocateTable(outSize, 1);
  for (let o = 0; o < outSize; o++) {
    index[o] = o * step;
    weight[o] = 1;
  }
  return withRuns({ inSize, outSize, taps: 1, index, weight });
}

/**
 * Resamples every [H, W] plane of a [..., H, W] float32 array: along x with `xWeights`, then along y with
 * `yWeights` (float32 intermediate, float64 sums). Returns [..., yWeights.outSize, xWeights.outSize].
 */
export function resamplePlanes(
  data: Float32Array,
  planes: number,
  yWeights: AxisWeights,
  xWeights: AxisWeights,
): Float32Array {
  const h = yWeights.inSize;
  const w = xWeights.inSize;
  if (data.length !== planes * h * w) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `resample: ${data.length} values do not form ${planes} planes of ${h}x${w}`,
    );
  }
  const oh = yWeights.outSize;
  const ow = xWeights.outSize;
  checkAllocation(planes * oh * ow + h * ow, 4, "resampled field");
  const out = new Float32Array(planes * oh * ow);
  const mid = new Float32Array(h * ow);
  for (let p = 0; p < planes; p++) {
    const src = data.subarray(p * h * w, (p + 1) * h * w);
    resampleRows(src, h, w, xWeights, mid);
    resampleColumns(mid, ow, yWeights, out.subarray(p * oh * ow, (p + 1) * oh * ow));
  }
  return out;
}

function resampleRows(src: Float32Array, h: number, w: number, weights: AxisWeights, out: Float32Array): void {
  const { outSize, taps, index, weight, start, count } = weights;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const dst = y * outSize;
    for (let o = 0; o < outSize; o++) {
      let sum = 0;
      const base = o * taps;
      const n = count[o]!;
      if (n >= 0) {
        const first = row + start[o]!;
        for (let k = 0; k < n; k++) sum += src[first + k]! * weight[base + k]!;
      } else {
        for (let k = 0; k < taps; k++) sum += src[row + index[base + k]!]! * weight[base + k]!;
      }
      out[dst + o] = sum;
    }
  }
}

function resampleColumns(src: Float32Array, w: number, weights: AxisWeights, out: Float32Array): void {
  const { outSize, taps, index, weight } = weights;
  const acc = new Float64Array(w);
  for (let o = 0; o < outSize; o++) {
    acc.fill(0);
    const base = o * taps;
    for (let k = 0; k < taps; k++) {
      const wk = weight[base + k]!;
      if (wk === 0) continue;
      const row = index[base + k]! * w;
      for (let x = 0; x < w; x++) acc[x]! += src[row + x]! * wk;
    }
    const dst = o * w;
    for (let x = 0; x < w; x++) out[dst + x] = acc[x]!;
  }
}

/** Marks outputs whose taps are consecutive input indices, so rows can be summed without the index table. */
function withRuns(table: Omit<AxisWeights, "start" | "count">): AxisWeights {
  const { outSize, taps, index } = table;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const first = index[o * taps]!;
    let consecutive = true;
    for (let k = 1; k < taps; k++) if (index[o * taps + k] !== first + k) consecutive = false;
    start[o] = first;
    count[o] = consecutive ? taps : -1;
  }
  return { ...table, start, count };
}

function sourceCoordinate(o: number, inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners) return outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
  return ((o + 0.5) * inSize) / outSize - 0.5;
}

function clampIndex(i: number, size: number): number {
  return i < 0 ? 0 : i >= size ? size - 1 : i;
}

function allocateTable(outSize: number, taps: number): { index: Int32Array; weight: Float64Array } {
  if (!Number.isSafeInteger(outSize) || outSize < 1) {
    throw new FieldbenchError("INVALID_VALUE", `resample: output size ${outSize} is not a positive integer`);
  }
  checkAllocation(outSize * taps, 12, "resampling table");
  return { index: new Int32Array(outSize * taps), weight: new Float64Array(outSize * taps) };
}
