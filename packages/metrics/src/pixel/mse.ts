import type { ChannelMetric } from "../metric.js";
import { guarded } from "./statistics.js";

/** MSE = mean((z_true - z_pred)^2) over valid pixels. NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const mse: ChannelMetric = {
  id: "mse",
  scope: "channel",
  group: "pixel",
  finalize: (s) => guarded(s, () => (s.sumSq as number) / (s.count as number)),
};
