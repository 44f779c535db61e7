import type { ChannelInput, ChannelMetric, ChannelStatistics, Stats } from "../metric.js";
import { PIXEL_STATISTICS } from "../pixel/statistics.js";
import { ssimSums, zScoredRows } from "./ssim-kernel.js";

/**
 * SSIM statistics of one channel on z-scored data. Data range: options.dataRange when given, else
 * L = max(range(z_pred), range(z_true)) of this image (SuperBench compat; torchmetrics with data_range=None).
 * NaN when the channel has masked truth or invalid prediction pixels (a window cannot skip pixels).
 */
export function ssimStatistics(input: ChannelInput, pixel: Stats): Stats {
  if ((pixel.masked as number) > 0 || (pixel.invalid as number) > 0) {
    return { ssim: Number.NaN, cs: Number.NaN, count: 1, range: Number.NaN };
  }
  const range =
    input.options.dataRange ??
    Math.max(
      (pixel.maxPred as number) - (pixel.minPred as number),
      (pixel.maxTrue as number) - (pixel.minTrue as number),
    );
  const sums = ssimSums(
    zScoredRows(input.pred, input.w, input.mean, input.std),
    zScoredRows(input.truth, input.w, input.mean, input.std),
    input.h,
    input.w,
    range,
  );
  // cs and range let MS-SSIM reuse this pass as its first scale.
  return { ssim: sums.ssim, cs: sums.cs, count: sums.count, range };
}

/** The SSIM pass as the scorer shares it (ssim_full and ms_ssim reuse it). */
export const SSIM_STATISTICS: ChannelStatistics = {
  id: "ssim",
  compute: (input, get) => ssimStatistics(input, get(PIXEL_STATISTICS)),
};

/** SSIM, SuperBench/torchmetrics compat: mean of the SSIM map with its 5-pixel border cropped (see ssim-kernel.ts). */
export const ssim: ChannelMetric = {
  id: "ssim",
  scope: "channel",
  statistics: SSIM_STATISTICS,
  description: "Gaussian SSIM, 5-pixel border cropped; per-image data range unless --data-range",
  unit: "1",
  better: "higher",
  modes: ["compat", "default"],
  summary: ["compat", "default"],
  perChannelTable: true,
  finalize: (s) => ((s.count as number) > 0 ? (s.ssim as number) / (s.count as number) : Number.NaN),
};
