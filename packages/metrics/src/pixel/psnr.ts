import type { ChannelMetric } from "../metric.js";
import { guarded } from "./statistics.js";

/**
 * PSNR, SuperBench compat: 20 log10(max(z_true) / sqrt(MSE)), the peak being the largest SIGNED value of the
 * z-scored target. NaN when max(z_true) <= 0 (as SuperBench printed), +Infinity when MSE = 0 (as eval.py returns).
 */
export const psnr: ChannelMetric = {
  id: "psnr",
  scope: "channel",
  group: "pixel",
  finalize: (s) =>
    guarded(s, () => {
      const peak = s.maxTrue as number;
      if (!(peak > 0)) return Number.NaN;
      const mse = (s.sumSq as number) / (s.count as number);
      return mse === 0 ? Number.POSITIVE_INFINITY : 20 * Math.log10(peak / Math.sqrt(mse));
    }),
};
