import type { ChannelInput, ChannelMetric, ChannelStatistics, Stats } from "../metric.js";
import type { ScoreOptions } from "../score-types.js";

/**
 * Latitude-weighted scores for lat-lon fields (WeatherBench): weights cos(lat_i) per row i.
 * - lat_rmse = sqrt(sum_ij w_i (z_p - z_t)^2 / sum_ij w_i), on the same (z-scored when normalised) values as the
 *   pixel metrics; truth NaN pixels masked.
 * - acc = sum w a_p a_t / sqrt(sum w a_p^2 * sum w a_t^2), anomalies a = x - climatology in raw units (the ratio
 *   is unchanged by z-scoring), uncentred as in WeatherBench 2.
 * NaN when a prediction pixel is NaN/Inf.
 */
export function latitudeStatistics(input: ChannelInput): Stats {
  const { pred, truth, h, w, std, options } = input;
  const lats = options.latitudes as Float64Array;
  const clim = options.climatology?.subarray(input.channel * h * w, (input.channel + 1) * h * w);
  const inv = 1 / std;
  let sw = 0;
  let se = 0;
  let spt = 0;
  let spp = 0;
  let stt = 0;
  let invalid = 0;
  for (let i = 0; i < h; i++) {
    const wi = Math.cos(((lats[i] as number) * Math.PI) / 180);
    for (let j = 0; j < w; j++) {
      const o = i * w + j;
      const p = pred[o] as number;
      const t = truth[o] as number;
      if (!Number.isFinite(p)) {
        invalid++;
        continue;
      }
      if (Number.isNaN(t)) continue;
      const d = (p - t) * inv;
      sw += wi;
      se += wi * d * d;
      if (clim !== undefined) {
        const c = clim[o] as number;
        spt += wi * (p - c) * (t - c);
        spp += wi * (p - c) * (p - c);
        stt += wi * (t - c) * (t - c);
      }
    }
  }
  return { sw, se, spt, spp, stt, invalid };
}

const LATITUDE_STATISTICS: ChannelStatistics = { id: "latitude", compute: latitudeStatistics };

const needsLatitudes = (options: ScoreOptions, shape: readonly [number, number, number]): string | undefined =>
  options.latitudes === undefined
    ? "needs latitudes (one per row)"
    : options.latitudes.length !== shape[1]
      ? `needs one latitude per row (${shape[1]}), got ${options.latitudes.length}`
      : undefined;

export const latRmse: ChannelMetric = {
  id: "lat_rmse",
  scope: "channel",
  statistics: LATITUDE_STATISTICS,
  description: "cos(latitude)-weighted RMSE (with --dataset era5 on 720 rows)",
  unit: "z",
  better: "lower",
  modes: ["default"],
  requires: needsLatitudes,
  finalize: (s) => ((s.invalid as number) > 0 ? Number.NaN : Math.sqrt((s.se as number) / (s.sw as number))),
};

export const acc: ChannelMetric = {
  id: "acc",
  scope: "channel",
  statistics: LATITUDE_STATISTICS,
  description: "cos(latitude)-weighted anomaly correlation (needs latitudes and --climatology)",
  unit: "1",
  better: "higher",
  modes: [],
  requires: (options, shape) =>
    needsLatitudes(options, shape) ??
    (options.climatology === undefined
      ? "needs a climatology [C, H, W]"
      : options.climatology.length !== shape[0] * shape[1] * shape[2]
        ? `needs a climatology of ${shape[0] * shape[1] * shape[2]} values, got ${options.climatology.length}`
        : undefined),
  finalize: (s) =>
    (s.invalid as number) > 0 ? Number.NaN : (s.spt as number) / Math.sqrt((s.spp as number) * (s.stt as number)),
};
