import {
  type ChannelInput,
  type ChannelMetric,
  type ChannelStatistics,
  type Stats,
  needsDataRange,
} from "../metric.js";
import { PIXEL_STATISTICS } from "../pixel/statistics.js";
import { SSIM_STATISTICS } from "./ssim.js";
import { arrayRows, type RowLoader, SSIM_RADIUS, type SsimSums, ssimSums, zScoredRows } from "./ssim-kernel.js";

/**
 * MS-SSIM (Wang, Simoncelli, Bovik 2003) as torchmetrics computes it: 5 scales with weights
 * (0.0448, 0.2856, 0.3001, 0.2363, 0.1333); at each scale the cropped-mean contrast-structure term cs_i of the
 * same 11-tap sigma-1.5 Gaussian SSIM, and at the last scale the full SSIM; between scales a 2x2 average pooling
 * (odd extents floored); negative terms clamped to 0 (torchmetrics' default normalize="relu");
 * MS-SSIM = prod_{i<5} cs_i^w_i * ssim_5^w_5. Needs a fixed data range (C1, C2 from it at every scale).
 * A 2048^2 image is 128^2 at the last scale; images under 176 px high or wide (the last scale under 11) give NaN.
 */
export const MS_SSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333] as const;

/** 2x2 average pooling straight from a row loader, so the full-resolution image is never held as float64. */
function poolRows(rows: RowLoader, h: number, w: number): Float64Array {
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const out = new Float64Array(ho * wo);
  const a = new Float64Array(w);
  const b = new Float64Array(w);
  for (let i = 0; i < ho; i++) {
    rows(2 * i, a);
    rows(2 * i + 1, b);
    for (let j = 0; j < wo; j++) {
      out[i * wo + j] =
        ((a[2 * j] as number) + (a[2 * j + 1] as number) + (b[2 * j] as number) + (b[2 * j + 1] as number)) / 4;
    }
  }
  return out;
}

function pool2(data: Float64Array, h: number, w: number): Float64Array {
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const out = new Float64Array(ho * wo);
  for (let i = 0; i < ho; i++) {
    const a = 2 * i * w;
    const b = a + w;
    for (let j = 0; j < wo; j++) {
      out[i * wo + j] =
        ((data[a + 2 * j] as number) +
          (data[a + 2 * j + 1] as number) +
          (data[b + 2 * j] as number) +
          (data[b + 2 * j + 1] as number)) /
        4;
    }
  }
  return out;
}

/** `firstScale`: the SSIM group's statistics of the full-resolution image (same data range), reused as scale 1. */
export function msSsimStatistics(input: ChannelInput, pixel: Stats, firstScale?: Stats): Stats {
  const range = input.options.dataRange as number;
  if ((pixel.masked as number) > 0 || (pixel.invalid as number) > 0) return { ms_ssim: Number.NaN };
  let h = input.h;
  let w = input.w;
  const minSide = (2 * SSIM_RADIUS + 1) * 2 ** (MS_SSIM_WEIGHTS.length - 1);
  if (h < minSide || w < minSide) return { ms_ssim: Number.NaN };
  let x: Float64Array | undefined;
  let y: Float64Array | undefined;
  let value = 1;
  for (let level = 0; level < MS_SSIM_WEIGHTS.length; level++) {
    const xr = x === undefined ? zScoredRows(input.pred, w, input.mean, input.std) : arrayRows(x, w);
    const yr = y === undefined ? zScoredRows(input.truth, w, input.mean, input.std) : arrayRows(y, w);
    const reuse = level === 0 && firstScale !== undefined && firstScale.range === range;
    const sums = reuse ? (firstScale as unknown as SsimSums) : ssimSums(xr, yr, h, w, range);
    const last = level === MS_SSIM_WEIGHTS.length - 1;
    const term = Math.max((last ? sums.ssim : sums.cs) / sums.count, 0);
    value *= term ** (MS_SSIM_WEIGHTS[level] as number);
    if (!last) {
      x = x === undefined ? poolRows(xr, h, w) : pool2(x, h, w);
      y = y === undefined ? poolRows(yr, h, w) : pool2(y, h, w);
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  return { ms_ssim: value };
}

// With a fixed data range SSIM's pass is MS-SSIM's first scale, so it is computed once.
const MS_SSIM_STATISTICS: ChannelStatistics = {
  id: "ms_ssim",
  compute: (input, get) => msSsimStatistics(input, get(PIXEL_STATISTICS), get(SSIM_STATISTICS)),
};

export const msSsim: ChannelMetric = {
  id: "ms_ssim",
  scope: "channel",
  statistics: MS_SSIM_STATISTICS,
  description: "5-scale MS-SSIM as torchmetrics (needs --data-range; NaN under 176 px)",
  unit: "1",
  better: "higher",
  modes: ["default"],
  summary: ["default"],
  requires: needsDataRange,
  finalize: (s) => s.ms_ssim as number,
};
