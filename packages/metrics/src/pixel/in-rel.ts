import type { ChannelMetric } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/** IN_rel = max abs(z_true - z_pred) / max abs(z_true) (SuperBench eval.py before 2023-12-07, eval_FNO.py). NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const inRel: ChannelMetric = {
  id: "in_rel",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "in_abs / max abs(z_true) (SuperBench's IN before 2023-12-07)",
  unit: "1",
  better: "lower",
  nullable: "0/0 on an all-zero truth channel",
  modes: ["compat", "default"],
  summary: ["compat"],
  finalize: (s) => guarded(s, () => (s.maxAbsDiff as number) / (s.maxAbsTrue as number)),
};
