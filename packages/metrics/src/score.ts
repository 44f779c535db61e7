import { FieldbenchError } from "@fieldbench/core";
import type {
  ChannelInput,
  ChannelMetric,
  ChannelStatistics,
  SnapshotInput,
  SnapshotMetric,
  SnapshotStatistics,
  Stats,
} from "./metric.js";
import { PIXEL_STATISTICS, pixelStatistics } from "./pixel/statistics.js";
import { getMetric } from "./registry.js";
import type { ScoreOptions, SnapshotScore } from "./score-types.js";

/** Checks the arguments and resolves metric names; every problem is a FieldbenchError naming it. */
export function planScore(
  pred: Float32Array,
  truth: Float32Array,
  shape: readonly [number, number, number],
  options: ScoreOptions,
): { channel: ChannelMetric[]; snapshot: SnapshotMetric[] } {
  const [c, h, w] = shape;
  if (![c, h, w].every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new FieldbenchError("SHAPE_MISMATCH", `shape [${shape.join(", ")}] is not a [C, H, W] shape`);
  }
  if (pred.length !== c * h * w || truth.length !== c * h * w) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `prediction has ${pred.length} values and truth ${truth.length}; shape [${shape.join(", ")}] needs ${c * h * w}`,
    );
  }
  const norm = options.normalization;
  if (norm !== undefined && (norm.mean.length !== c || norm.std.length !== c)) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `normalisation has ${norm.mean.length} means and ${norm.std.length} stds for ${c} channels`,
    );
  }
  const channel: ChannelMetric[] = [];
  const snapshot: SnapshotMetric[] = [];
  for (const name of options.metrics) {
    const metric = getMetric(name);
    const reason = metric.requires?.(options, shape);
    if (reason !== undefined) throw new FieldbenchError("BAD_USAGE", `metric ${name} ${reason}`);
    if (metric.scope === "channel") channel.push(metric);
    else snapshot.push(metric);
  }
  return { channel, snapshot };
}

/**
 * Scores one [C, H, W] snapshot. Pixel and perceptual metrics per channel on z-scored values when
 * options.normalization is given; physics metrics on raw channels 0, 1 (u, v). Truth NaN pixels are masked and
 * counted (maskedTruth); prediction NaN/Inf pixels are counted (invalidPrediction) and make the metrics they touch
 * NaN. Each statistics object is computed once and shared by the metrics that name it.
 */
export async function scoreSnapshot(
  pred: Float32Array,
  truth: Float32Array,
  shape: readonly [number, number, number],
  options: ScoreOptions,
): Promise<SnapshotScore> {
  const plan = planScore(pred, truth, shape, options);
  const [c, h, w] = shape;
  const n = h * w;
  const perChannel: Record<string, number>[] = [];
  const maskedTruth: number[] = [];
  const invalidPrediction: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const input: ChannelInput = {
      pred: pred.subarray(ch * n, (ch + 1) * n),
      truth: truth.subarray(ch * n, (ch + 1) * n),
      h,
      w,
      channel: ch,
      mean: options.normalization?.mean[ch] ?? 0,
      std: options.normalization?.std[ch] ?? 1,
      options,
    };
    // The pixel pass always runs: it counts the masked and invalid pixels reported with every score.
    const pixel = pixelStatistics(input.pred, input.truth, input.mean, input.std);
    maskedTruth.push(pixel.masked as number);
    invalidPrediction.push(pixel.invalid as number);
    const computed = new Map<ChannelStatistics, Stats>([[PIXEL_STATISTICS, pixel]]);
    const get = (statistics: ChannelStatistics): Stats => {
      let stats = computed.get(statistics);
      if (stats === undefined) {
        stats = statistics.compute(input, get);
        computed.set(statistics, stats);
      }
      return stats;
    };
    const record: Record<string, number> = {};
    for (const metric of plan.channel) record[metric.id] = metric.finalize(get(metric.statistics), options);
    perChannel.push(record);
  }
  const snapshot: Record<string, number> = {};
  if (plan.snapshot.length > 0) {
    // Physics sees u, v: any masked or invalid pixel there makes every physics metric NaN (derivatives cannot skip).
    const clean = [0, 1].every((ch) => maskedTruth[ch] === 0 && invalidPrediction[ch] === 0);
    const input: SnapshotInput = { pred, truth, shape, options };
    const computed = new Map<SnapshotStatistics, Stats>();
    for (const metric of plan.snapshot) {
      if (!clean) {
        snapshot[metric.id] = Number.NaN;
        continue;
      }
      let stats = computed.get(metric.statistics);
      if (stats === undefined) {
        stats = await metric.statistics.compute(input);
        computed.set(metric.statistics, stats);
      }
      snapshot[metric.id] = metric.finalize(stats, options);
    }
  }
  return { perChannel, snapshot, maskedTruth, invalidPrediction };
}
