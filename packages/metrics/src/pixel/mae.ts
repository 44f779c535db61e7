import type { ChannelMetric } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/** MAE = mean(abs(z_true - z_pred)) over valid pixels. NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const mae: ChannelMetric = {
  id: "mae",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "mean(abs(z_true - z_pred)) per (snapshot, channel)",
  unit: "z",
  better: "lower",
  modes: ["compat", "default"],
  summary: ["compat", "default"],
  perChannelTable: true,
  finalize: (s) => guarded(s, () => (s.sumAbs as number) / (s.count as number)),
};
