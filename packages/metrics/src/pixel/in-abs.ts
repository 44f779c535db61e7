import type { ChannelMetric } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/** IN_abs = max abs(z_true - z_pred) (SuperBench eval.py from 2023-12-07). NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const inAbs: ChannelMetric = {
  id: "in_abs",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "max abs(z_true - z_pred) (SuperBench's IN since 2023-12-07)",
  unit: "z",
  better: "lower",
  modes: ["compat", "default"],
  summary: ["compat", "default"],
  finalize: (s) => guarded(s, () => s.maxAbsDiff as number),
};
