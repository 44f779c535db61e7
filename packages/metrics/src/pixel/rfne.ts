import type { ChannelMetric } from "../metric.js";
import { PIXEL_STATISTICS, guarded } from "./statistics.js";

/**
 * RFNE = ||z_true - z_pred||_2 / ||z_true||_2 over the flattened H x W (SuperBench). NaN when a prediction pixel is
 * NaN/Inf; NaN truth pixels are masked; 0/0 is NaN.
 */
export const rfne: ChannelMetric = {
  id: "rfne",
  scope: "channel",
  statistics: PIXEL_STATISTICS,
  description: "||z_true - z_pred||_2 / ||z_true||_2, SuperBench's headline error",
  unit: "1",
  better: "lower",
  nullable: "0/0 on an all-zero truth channel",
  modes: ["compat", "default"],
  summary: ["compat", "default"],
  perChannelTable: true,
  finalize: (s) => guarded(s, () => Math.sqrt(s.sumSq as number) / Math.sqrt(s.sumTrueSq as number)),
};
