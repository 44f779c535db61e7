import { FieldbenchError } from "@fieldbench/core";
import { latitudeStatistics } from "./lat/latitude.js";
import type {
  ChannelGroup,
  ChannelInput,
  ChannelMetric,
  SnapshotGroup,
  SnapshotInput,
  SnapshotMetric,
  Stats,
} from "./metric.js";
import { msSsimStatistics } from "./perceptual/ms-ssim.js";
import { ssimFullStatistics } from "./perceptual/ssim-full.js";
import { ssimStatistics } from "./perceptual/ssim.js";
import { divergenceStatistics } from "./physics/divergence.js";
import { vorticityStatistics } from "./physics/vorticity-metrics.js";
import { pixelStatistics } from "./pixel/statistics.js";
import { getMetric } from "./registry.js";
import type { ScoreOptions, SnapshotScore } from "./score-types.js";
import { spectrumStatistics } from "./spectral/spectrum-lsd.js";

type GroupGetter = (group: ChannelGroup) => Stats;
const CHANNEL_GROUPS: Record<Exclude<ChannelGroup, "pixel">, (input: ChannelInput, get: GroupGetter) => Stats> = {
  ssim: (input, get) => ssimStatistics(input, get("pixel")),
  // The uncropped map equals the cropped one inside the border: reuse SSIM's pass and add the border strips.
  ssim_full: (input, get) => ssimFullStatistics(input, get("pixel"), get("ssim")),
  // With a fixed data range SSIM's pass is MS-SSIM's first scale, so it is computed once.
  ms_ssim: (input, get) => msSsimStatistics(input, get("pixel"), get("ssim")),
  latitude: (input) => latitudeStatistics(input),
};

const SNAPSHOT_GROUPS: Record<SnapshotGroup, (input: SnapshotInput) => Stats | Promise<Stats>> = {
  divergence: divergenceStatistics,
  vorticity: vorticityStatistics,
  spectrum: spectrumStatistics,
};

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
 * NaN. Statistics groups are computed once and shared by the metrics that need them.
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
    const pixel = pixelStatistics(input.pred, input.truth, input.mean, input.std);
    maskedTruth.push(pixel.masked as number);
    invalidPrediction.push(pixel.invalid as number);
    const groups = new Map<ChannelGroup, Stats>([["pixel", pixel]]);
    const get = (group: ChannelGroup): Stats => {
      let stats = groups.get(group);
      if (stats === undefined) {
        stats = CHANNEL_GROUPS[group as Exclude<ChannelGroup, "pixel">](input, get);
        groups.set(group, stats);
      }
      return stats;
    };
    const record: Record<string, number> = {};
    for (const metric of plan.channel) record[metric.id] = metric.finalize(get(metric.group), options);
    perChannel.push(record);
  }
  const snapshot: Record<string, number> = {};
  if (plan.snapshot.length > 0) {
    // Physics sees u, v: any masked or invalid pixel there makes every physics metric NaN (derivatives cannot skip).
    const clean = [0, 1].every((ch) => maskedTruth[ch] === 0 && invalidPrediction[ch] === 0);
    const input: SnapshotInput = { pred, truth, shape, options };
    const groups = new Map<SnapshotGroup, Stats>();
    for (const metric of plan.snapshot) {
      if (!clean) {
        snapshot[metric.id] = Number.NaN;
        continue;
      }
      let stats = groups.get(metric.group);
      if (stats === undefined) {
        stats = await SNAPSHOT_GROUPS[metric.group](input);
        groups.set(metric.group, stats);
      }
      snapshot[metric.id] = metric.finalize(stats, options);
    }
  }
  return { perChannel, snapshot, maskedTruth, invalidPrediction };
}
