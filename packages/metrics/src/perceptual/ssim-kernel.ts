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
const TAPS = 2 * SSIM_RADIUS + 1;

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
  const hx = new Float64Array(rowsIn * wi);
  const hy = new Float64Array(rowsIn * wi);
  const hxx = new Float64Array(rowsIn * wi);
  const hyy = new Float64Array(rowsIn * wi);
  const hxy = new Float64Array(rowsIn * wi);
  const xr = new Float64Array(w);
  const yr = new Float64Array(w);
  const mx = new Float64Array(wi);
  const my = new Float64Array(wi);
  const sxx = new Float64Array(wi);
  const syy = new Float64Array(wi);
  const sxy = new Float64Array(wi);
  const [g0, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10] = g as unknown as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  let ssimSum = 0;
  let csSum = 0;
  // Output rows are [R, h - R); strip s covers output rows [o0, o1) and needs input rows [o0 - R, o1 + R).
  for (let o0 = SSIM_RADIUS; o0 < h - SSIM_RADIUS; o0 += stripRows) {
    const o1 = Math.min(o0 + stripRows, h - SSIM_RADIUS);
    const i0 = o0 - SSIM_RADIUS;
    const i1 = o1 + SSIM_RADIUS;
    for (let r = i0; r < i1; r++) {
      x(r, xr);
      y(r, yr);
      const base = (r - i0) * wi;
      for (let j = 0; j < wi; j++) {
        let ax = 0;
        let ay = 0;
        let axx = 0;
        let ayy = 0;
        let axy = 0;
        // Unrolled 11 taps: this loop is the hot path of the whole metric set.
        let a = xr[j] as number;
        let b = yr[j] as number;
        ax += g0 * a;
        ay += g0 * b;
        axx += g0 * a * a;
        ayy += g0 * b * b;
        axy += g0 * a * b;
        a = xr[j + 1] as number;
        b = yr[j + 1] as number;
        ax += g1 * a;
        ay += g1 * b;
        axx += g1 * a * a;
        ayy += g1 * b * b;
        axy += g1 * a * b;
        a = xr[j + 2] as number;
        b = yr[j + 2] as number;
        ax += g2 * a;
        ay += g2 * b;
        axx += g2 * a * a;
        ayy += g2 * b * b;
        axy += g2 * a * b;
        a = xr[j + 3] as number;
        b = yr[j + 3] as number;
        ax += g3 * a;
        ay += g3 * b;
        axx += g3 * a * a;
        ayy += g3 * b * b;
        axy += g3 * a * b;
        a = xr[j + 4] as number;
        b = yr[j + 4] as number;
        ax += g4 * a;
        ay += g4 * b;
        axx += g4 * a * a;
        ayy += g4 * b * b;
        axy += g4 * a * b;
        a = xr[j + 5] as number;
        b = yr[j + 5] as number;
        ax += g5 * a;
        ay += g5 * b;
        axx += g5 * a * a;
        ayy += g5 * b * b;
        axy += g5 * a * b;
        a = xr[j + 6] as number;
        b = yr[j + 6] as number;
        ax += g6 * a;
        ay += g6 * b;
        axx += g6 * a * a;
        ayy += g6 * b * b;
        axy += g6 * a * b;
        a = xr[j + 7] as number;
        b = yr[j + 7] as number;
        ax += g7 * a;
        ay += g7 * b;
        axx += g7 * a * a;
        ayy += g7 * b * b;
        axy += g7 * a * b;
        a = xr[j + 8] as number;
        b = yr[j + 8] as number;
        ax += g8 * a;
        ay += g8 * b;
        axx += g8 * a * a;
        ayy += g8 * b * b;
        axy += g8 * a * b;
        a = xr[j + 9] as number;
        b = yr[j + 9] as number;
        ax += g9 * a;
        ay += g9 * b;
        axx += g9 * a * a;
        ayy += g9 * b * b;
        axy += g9 * a * b;
        a = xr[j + 10] as number;
        b = yr[j + 10] as number;
        ax += g10 * a;
        ay += g10 * b;
        axx += g10 * a * a;
        ayy += g10 * b * b;
        axy += g10 * a * b;
        hx[base + j] = ax;
        hy[base + j] = ay;
        hxx[base + j] = axx;
        hyy[base + j] = ayy;
        hxy[base + j] = axy;
      }
    }
    for (let o = o0; o < o1; o++) {
      mx.fill(0);
      my.fill(0);
      sxx.fill(0);
      syy.fill(0);
      sxy.fill(0);
      for (let t = 0; t < TAPS; t++) {
        const gt = g[t] as number;
        const base = (o - SSIM_RADIUS - i0 + t) * wi;
        for (let j = 0; j < wi; j++) {
          mx[j] = (mx[j] as number) + gt * (hx[base + j] as number);
          my[j] = (my[j] as number) + gt * (hy[base + j] as number);
          sxx[j] = (sxx[j] as number) + gt * (hxx[base + j] as number);
          syy[j] = (syy[j] as number) + gt * (hyy[base + j] as number);
          sxy[j] = (sxy[j] as number) + gt * (hxy[base + j] as number);
        }
      }
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
