import type { ChannelMetric } from "../metric.js";
import { guarded } from "./statistics.js";

/**
 * RFNE = ||z_true - z_pred||_2 / ||z_true||_2 over the flattened H x W (SuperBench). NaN when a prediction pixel is
 * NaN/Inf; NaN truth pixels are masked; 0/0 is NaN.
 */
export const rfne: ChannelMetric = {
  id: "rfne",
  scope: "channel",
  group: "pixel",
  finalize: (s) => guarded(s, () => Math.sqrt(s.sumSq as number) / Math.sqrt(s.sumTrueSq as number)),
};
