/**
 * The SSIM map of two images, streamed in strips of rows so memory stays bounded (5 filtered buffers of
 * (strip + 10) x W float64, about 11 MB at 2048 wide), whatever the image height.
 *
 * Definition (torchmetrics of SuperBench's time = scikit-image structural_similarity with gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False): an 11-tap Gaussian window (sigma 1.5, normalised), local means,
 * population variances (clamped at >= 0) and covariance, C1 = (0.01 L)^2, C2 = (0.03 L)^2, map =
 * (2 mx my + C1)(2 sxy + C2) / ((mx^2 + my^2 + C1)(sx + sy + C2)), and the 5-pixel border cropped. A pixel
 * 5 px from the border has its whole window inside the image, so the reflect padding of both libraries never
 * reaches the cropped map and no padding is needed here.
 */

export const SSIM_RADIUS = 5;
const TAPS = 2 * SSIM_RADIUS + 1; // the filters below are unrolled for these 11 taps

export function gaussianWindow(sigma = 1.5): Float64Array {
  const g = new Float64Array(TAPS);
  let sum = 0;
  for (let t = 0; t < TAPS; t++) {
    const x = t - SSIM_RADIUS;
    g[t] = Math.exp(-(x * x) / (2 * sigma * sigma));
    sum += g[t] as number;
  }
  for (let t = 0; t < TAPS; t++) g[t] = (g[t] as number) / sum;
  return g;
}

/** Fills `out` (length W) with row r of an image, already in the units SSIM sees (z-scored, say). */
export type RowLoader = (r: number, out: Float64Array) => void;

export interface SsimSums {
  /** Sum of the cropped SSIM map. */
  readonly ssim: number;
  /** Sum of the cropped contrast-structure map (2 sxy + C2) / (sx + sy + C2), for MS-SSIM. */
  readonly cs: number;
  readonly count: number;
}

/** dst[j] = sum_t g[t] src[off + j + t] for j < n, using the window's symmetry g[t] = g[10 - t]. */
function filterShifted(src: Float64Array, dst: Float64Array, dstOff: number, n: number, g: Float64Array): void {
  const g0 = g[0] as number;
  const g1 = g[1] as number;
  const g2 = g[2] as number;
  const g3 = g[3] as number;
  const g4 = g[4] as number;
  const g5 = g[5] as number;
  for (let j = 0; j < n; j++) {
    dst[dstOff + j] =
      g5 * (src[j + 5] as number) +
      g0 * ((src[j] as number) + (src[j + 10] as number)) +
      g1 * ((src[j + 1] as number) + (src[j + 9] as number)) +
      g2 * ((src[j + 2] as number) + (src[j + 8] as number)) +
      g3 * ((src[j + 3] as number) + (src[j + 7] as number)) +
      g4 * ((src[j + 4] as number) + (src[j + 6] as number));
  }
}

/** dst[j] = sum_t g[t] buf[base + t * stride + j]: the vertical pass over 11 buffered rows. */
function filterStacked(
  buf: Float64Array,
  base: number,
  stride: number,
  dst: Float64Array,
  n: number,
  g: Float64Array,
): void {
  const g0 = g[0] as number;
  const g1 = g[1] as number;
  const g2 = g[2] as number;
  const g3 = g[3] as number;
  const g4 = g[4] as number;
  const g5 = g[5] as number;
  const r0 = base;
  const r1 = base + stride;
  const r2 = base + 2 * stride;
  const r3 = base + 3 * stride;
  const r4 = base + 4 * stride;
  const r5 = base + 5 * stride;
  const r6 = base + 6 * stride;
  const r7 = base + 7 * stride;
  const r8 = base + 8 * stride;
  const r9 = base + 9 * stride;
  const r10 = base + 10 * stride;
  for (let j = 0; j < n; j++) {
    dst[j] =
      g5 * (buf[r5 + j] as number) +
      g0 * ((buf[r0 + j] as number) + (buf[r10 + j] as number)) +
      g1 * ((buf[r1 + j] as number) + (buf[r9 + j] as number)) +
      g2 * ((buf[r2 + j] as number) + (buf[r8 + j] as number)) +
      g3 * ((buf[r3 + j] as number) + (buf[r7 + j] as number)) +
      g4 * ((buf[r4 + j] as number) + (buf[r6 + j] as number));
  }
}

export function ssimSums(
  x: RowLoader,
  y: RowLoader,
  h: number,
  w: number,
  dataRange: number,
  stripRows = 128,
): SsimSums {
  const wi = w - 2 * SSIM_RADIUS;
  const hi = h - 2 * SSIM_RADIUS;
  if (wi <= 0 || hi <= 0) return { ssim: Number.NaN, cs: Number.NaN, count: 0 };
  const g = gaussianWindow();
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  const rowsIn = stripRows + 2 * SSIM_RADIUS;
  // Horizontally filtered x, y, x^2, y^2, xy of the strip's input rows.
  const hx = new Float64Array(rowsIn * wi);
  const hy = new Float64Array(rowsIn * wi);
  const hxx = new Float64Array(rowsIn * wi);
  const hyy = new Float64Array(rowsIn * wi);
  const hxy = new Float64Array(rowsIn * wi);
  const xr = new Float64Array(w);
  const yr = new Float64Array(w);
  const xx = new Float64Array(w);
  const yy = new Float64Array(w);
  const xy = new Float64Array(w);
  const mx = new Float64Array(wi);
  const my = new Float64Array(wi);
  const sxx = new Float64Array(wi);
  const syy = new Float64Array(wi);
  const sxy = new Float64Array(wi);
  let ssimSum = 0;
  let csSum = 0;
  // Output rows are [R, h - R); a strip of output rows [o0, o1) needs input rows [o0 - R, o1 + R).
  for (let o0 = SSIM_RADIUS; o0 < h - SSIM_RADIUS; o0 += stripRows) {
    const o1 = Math.min(o0 + stripRows, h - SSIM_RADIUS);
    const i0 = o0 - SSIM_RADIUS;
    const i1 = o1 + SSIM_RADIUS;
    for (let r = i0; r < i1; r++) {
      x(r, xr);
      y(r, yr);
      for (let j = 0; j < w; j++) {
        const a = xr[j] as number;
        const b = yr[j] as number;
        xx[j] = a * a;
        yy[j] = b * b;
        xy[j] = a * b;
      }
      const base = (r - i0) * wi;
      filterShifted(xr, hx, base, wi, g);
      filterShifted(yr, hy, base, wi, g);
      filterShifted(xx, hxx, base, wi, g);
      filterShifted(yy, hyy, base, wi, g);
      filterShifted(xy, hxy, base, wi, g);
    }
    for (let o = o0; o < o1; o++) {
      const base = (o - SSIM_RADIUS - i0) * wi;
      filterStacked(hx, base, wi, mx, wi, g);
      filterStacked(hy, base, wi, my, wi, g);
      filterStacked(hxx, base, wi, sxx, wi, g);
      filterStacked(hyy, base, wi, syy, wi, g);
      filterStacked(hxy, base, wi, sxy, wi, g);
      for (let j = 0; j < wi; j++) {
        const ux = mx[j] as number;
        const uy = my[j] as number;
        const vx = Math.max((sxx[j] as number) - ux * ux, 0);
        const vy = Math.max((syy[j] as number) - uy * uy, 0);
        const cxy = (sxy[j] as number) - ux * uy;
        const cs = (2 * cxy + c2) / (vx + vy + c2);
        csSum += cs;
        ssimSum += ((2 * ux * uy + c1) / (ux * ux + uy * uy + c1)) * cs;
      }
    }
  }
  return { ssim: ssimSum, cs: csSum, count: wi * hi };
}

/** A loader for channel data z-scored on the fly: (x - mean) / std. */
export function zScoredRows(data: Float32Array, w: number, mean: number, std: number): RowLoader {
  const inv = 1 / std;
  return (r, out) => {
    const o = r * w;
    for (let j = 0; j < w; j++) out[j] = ((data[o + j] as number) - mean) * inv;
  };
}

/** A loader over a float64 image held whole (MS-SSIM's downsampled levels). */
export function arrayRows(data: Float64Array, w: number): RowLoader {
  return (r, out) => out.set(data.subarray(r * w, r * w + w));
}
