import type { ChannelMetric } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/**
 * PSNR, SuperBench compat: 20 log10(max(z_true) / sqrt(MSE)), the peak being the largest SIGNED value of the
 * z-scored target. NaN when max(z_true) <= 0 (as SuperBench printed), +Infinity when MSE = 0 (as eval.py returns).
 */
export const psnr: ChannelMetric = {
  id: "psnr",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "20 log10(max(z_true) / sqrt(mse)), SuperBench's signed peak",
  unit: "dB",
  better: "higher",
  nullable: "the peak max(z_true) is <= 0 on some snapshots (SuperBench printed NaN)",
  modes: ["compat"],
  summary: ["compat"],
  perChannelTable: true,
  finalize: (s) =>
    guarded(s, () => {
      const peak = s.maxTrue as number;
      if (!(peak > 0)) return Number.NaN;
      const mse = (s.sumSq as number) / (s.count as number);
      return mse === 0 ? Number.POSITIVE_INFINITY : 20 * Math.log10(peak / Math.sqrt(mse));
    }),
};
