import type { ChannelInput, ChannelMetric, ChannelStatistics, Stats } from "../metric.js";
import { PIXEL_STATISTICS } from "../pixel/statistics.js";
import { SSIM_STATISTICS } from "./ssim.js";
import { type RowLoader, SSIM_RADIUS, ssimSums, zScoredRows } from "./ssim-kernel.js";

/** numpy/torch "reflect" (mirror without repeating the edge): -1 -> 1, n -> n - 2. */
function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** The image reflect-padded by `pad` on every side, row by row. */
function paddedRows(rows: RowLoader, h: number, w: number, pad: number): RowLoader {
  const src = new Float64Array(w);
  return (r, out) => {
    rows(reflect(r - pad, h), src);
    out.set(src, pad);
    for (let j = 0; j < pad; j++) {
      out[j] = src[reflect(j - pad, w)] as number;
      out[w + pad + j] = src[reflect(w + j, w)] as number;
    }
  };
}

/**
 * SSIM as torchmetrics 1.9 computes it: the same Gaussian SSIM, but the image is reflect-padded by 5 px
 * (torch.nn.functional.pad mode "reflect") and the map is averaged over all H x W pixels, nothing cropped.
 * Data range as `ssim`. Differs from SuperBench's cropped `ssim` by about 1e-4 on 256^2 fields. Needs H, W > 5.
 */
/** Rows [r0, ...) and columns [c0, c0 + width) of an image `fullWidth` wide. */
function windowRows(rows: RowLoader, fullWidth: number, r0: number, c0: number, width: number): RowLoader {
  const buf = new Float64Array(fullWidth);
  return (r, out) => {
    rows(r0 + r, buf);
    out.set(buf.subarray(c0, c0 + width));
  };
}

/**
 * With the cropped SSIM of the same image and range at hand (`cropped`), only the 5-pixel border is left to do:
 * inside it the padded map equals the cropped one. The border is four strips of the padded image, about 1% of the work.
 */
function borderSum(x: RowLoader, y: RowLoader, h: number, w: number, range: number): number {
  const R = SSIM_RADIUS;
  const pw = w + 2 * R;
  const strip = 3 * R; // output rows/cols [R, 2R) of a 3R strip are the 5 border pixels
  const parts = [
    // top and bottom 5 rows, full width
    { r0: 0, c0: 0, hh: strip, ww: pw },
    { r0: h - R, c0: 0, hh: strip, ww: pw },
    // left and right 5 columns of the rows in between
    { r0: R, c0: 0, hh: h, ww: strip },
    { r0: R, c0: w - R, hh: h, ww: strip },
  ];
  let sum = 0;
  for (const { r0, c0, hh, ww } of parts) {
    sum += ssimSums(windowRows(x, pw, r0, c0, ww), windowRows(y, pw, r0, c0, ww), hh, ww, range).ssim;
  }
  return sum;
}

export function ssimFullStatistics(input: ChannelInput, pixel: Stats, cropped?: Stats): Stats {
  const { h, w } = input;
  if ((pixel.masked as number) > 0 || (pixel.invalid as number) > 0 || h <= SSIM_RADIUS || w <= SSIM_RADIUS) {
    return { ssim: Number.NaN, count: 1 };
  }
  const range =
    input.options.dataRange ??
    Math.max(
      (pixel.maxPred as number) - (pixel.minPred as number),
      (pixel.maxTrue as number) - (pixel.minTrue as number),
    );
  const x = paddedRows(zScoredRows(input.pred, w, input.mean, input.std), h, w, SSIM_RADIUS);
  const y = paddedRows(zScoredRows(input.truth, w, input.mean, input.std), h, w, SSIM_RADIUS);
  if (cropped !== undefined && cropped.range === range && h > 2 * SSIM_RADIUS && w > 2 * SSIM_RADIUS) {
    return { ssim: (cropped.ssim as number) + borderSum(x, y, h, w, range), count: h * w };
  }
  const sums = ssimSums(x, y, h + 2 * SSIM_RADIUS, w + 2 * SSIM_RADIUS, range);
  return { ssim: sums.ssim, count: sums.count };
}

// The uncropped map equals the cropped one inside the border: reuse SSIM's pass and add the border strips.
const SSIM_FULL_STATISTICS: ChannelStatistics = {
  id: "ssim_full",
  compute: (input, get) => ssimFullStatistics(input, get(PIXEL_STATISTICS), get(SSIM_STATISTICS)),
};

export const ssimFull: ChannelMetric = {
  id: "ssim_full",
  scope: "channel",
  statistics: SSIM_FULL_STATISTICS,
  description: "SSIM as torchmetrics 1.9: reflect-padded, whole map averaged",
  unit: "1",
  better: "higher",
  modes: [],
  finalize: (s) => ((s.count as number) > 0 ? (s.ssim as number) / (s.count as number) : Number.NaN),
};
