import type { ChannelMetric } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/** RMSE = sqrt(MSE) per (snapshot, channel), then averaged (not the root of the mean MSE). NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const rmse: ChannelMetric = {
  id: "rmse",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "sqrt(mse) per (snapshot, channel), then averaged",
  unit: "z",
  better: "lower",
  modes: ["default"],
  finalize: (s) => guarded(s, () => Math.sqrt((s.sumSq as number) / (s.count as number))),
};
