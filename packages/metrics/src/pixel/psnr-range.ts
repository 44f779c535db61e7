import { type ChannelMetric, needsDataRange } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/**
 * PSNR with an explicit data range R (in the units the pixel metrics see: z-units when a normalisation is
 * given): 20 log10(R / sqrt(MSE)); +Infinity when MSE = 0. Comparable across models and datasets.
 */
export const psnrRange: ChannelMetric = {
  id: "psnr_range",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "20 log10(R / sqrt(mse)) with the fixed data range R (needs --data-range)",
  unit: "dB",
  better: "higher",
  modes: ["default"],
  summary: ["default"],
  perChannelTable: true,
  requires: needsDataRange,
  finalize: (s, options) =>
    guarded(s, () => {
      const mse = (s.sumSq as number) / (s.count as number);
      return mse === 0 ? Number.POSITIVE_INFINITY : 20 * Math.log10((options.dataRange as number) / Math.sqrt(mse));
    }),
};
