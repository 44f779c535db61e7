import type { ChannelInput, ChannelMetric, Stats } from "../metric.js";
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
export function ssimFullStatistics(input: ChannelInput, pixel: Stats): Stats {
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
  const sums = ssimSums(x, y, h + 2 * SSIM_RADIUS, w + 2 * SSIM_RADIUS, range);
  return { ssim: sums.ssim, count: sums.count };
}

export const ssimFull: ChannelMetric = {
  id: "ssim_full",
  scope: "channel",
  group: "ssim_full",
  finalize: (s) => ((s.count as number) > 0 ? (s.ssim as number) / (s.count as number) : Number.NaN),
};
