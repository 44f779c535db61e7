import type { ChannelMetric } from "../metric.js";
import { guarded } from "./statistics.js";

/** MAE = mean(abs(z_true - z_pred)) over valid pixels. NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const mae: ChannelMetric = {
  id: "mae",
  scope: "channel",
  group: "pixel",
  finalize: (s) => guarded(s, () => (s.sumAbs as number) / (s.count as number)),
};
