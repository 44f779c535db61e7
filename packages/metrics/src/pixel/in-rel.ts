import type { ChannelMetric } from "../metric.js";
import { guarded } from "./statistics.js";

/** IN_rel = max abs(z_true - z_pred) / max abs(z_true) (SuperBench eval.py before 2023-12-07, eval_FNO.py). NaN when a prediction pixel is NaN/Inf; NaN truth pixels are masked. */
export const inRel: ChannelMetric = {
  id: "in_rel",
  scope: "channel",
  group: "pixel",
  finalize: (s) => guarded(s, () => (s.maxAbsDiff as number) / (s.maxAbsTrue as number)),
};
