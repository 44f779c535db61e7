import type { ChannelMetric } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/** MSE = mean((z_true - z_pred)^2) over valid pixels. NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const mse: ChannelMetric = {
  id: "mse",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "mean((z_true - z_pred)^2) per (snapshot, channel)",
  unit: "z^2",
  better: "lower",
  modes: ["compat", "default"],
  summary: ["compat", "default"],
  perChannelTable: true,
  finalize: (s) => guarded(s, () => (s.sumSq as number) / (s.count as number)),
};
