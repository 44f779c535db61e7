import { deriveSeed, FieldbenchError } from "@fieldbench/core";
import {
  type MetricMode,
  type ScoreOptions,
  type SnapshotScore,
  metricsForMode,
  scoreSnapshot,
} from "@fieldbench/metrics";
import type { Model } from "@fieldbench/models";
import { type DatasetSpec, type TestSplit, datasetLatitudes } from "./datasets.js";
import { type FieldShape, degrade, degradedShape } from "./degrade/index.js";
import type { Task } from "./tasks.js";
import { predictTiled } from "./tiling.js";

/**
 * The evaluation protocol for one snapshot: degrade the whole HR field (or read the LR simulation), predict the
 * whole field (tiled only when the model asks for tiles), then score per channel on data z-scored with the
 * dataset's constants. Two metric modes, each metric's descriptor saying which report it (`modes`):
 * - compat: SuperBench's definitions (psnr peak = max of the z-scored target, ssim with the per-image data range,
 *   IN both ways as in_abs and in_rel, divergence MSE of the raw output for NSKT);
 * - default: fieldbench's fixes: psnr_range and ssim with the dataset's fixed data range (spec.dataRange, z-units),
 *   rmse, ms_ssim, the divergence floor of the truth, vorticity/energy/enstrophy errors and spectral distances.
 */
export type { MetricMode } from "@fieldbench/metrics";

/** What the metrics need to know about the dataset: constants, channel names, grid spacing, data range, latitudes. */
function datasetScoreOptions(spec: DatasetSpec, mode: MetricMode): Omit<ScoreOptions, "metrics"> {
  const latitudes = datasetLatitudes(spec, spec.hr[0]);
  return {
    normalization: { mean: spec.mean, std: spec.std },
    channelNames: spec.channels.map((c) => c.name),
    ...(spec.gridSpacing === undefined ? {} : { gridSpacing: spec.gridSpacing }),
    ...(mode === "default" ? { dataRange: spec.dataRange } : {}),
    ...(latitudes === undefined ? {} : { latitudes }),
  };
}

/** The metrics a mode reports on this dataset, from the registry's descriptors (physics only where channels are u, v). */
export function metricsFor(spec: DatasetSpec, mode: MetricMode): string[] {
  return metricsForMode(mode, datasetScoreOptions(spec, mode), [spec.channels.length, spec.hr[0], spec.hr[1]]);
}

export function scoreOptions(spec: DatasetSpec, mode: MetricMode, metrics = metricsFor(spec, mode)): ScoreOptions {
  return { metrics, ...datasetScoreOptions(spec, mode) };
}

export interface SnapshotInput {
  readonly spec: DatasetSpec;
  readonly task: Task;
  readonly split: TestSplit;
  readonly index: number;
  /** HR truth [C, H, W]. */
  readonly hr: Float32Array;
  /** LR from `LR_fields` (lrsim only). */
  readonly lr?: Float32Array;
}

/** The LR input the model sees for one snapshot (noise frozen by deriveSeed(dataset, split, index)). */
export function makeLowRes(input: SnapshotInput): { lr: Float32Array; shape: FieldShape } {
  const { spec, task, hr } = input;
  const [h, w] = spec.hr;
  const c = spec.channels.length;
  if (task.degradation === "lrsim") {
    if (input.lr === undefined) throw new FieldbenchError("VARIABLE_NOT_FOUND", "the lrsim task needs LR_fields");
    return { lr: input.lr, shape: [c, h / task.scale, w / task.scale] };
  }
  const lr = degrade(task.degradation, hr, [c, h, w], {
    scale: task.scale,
    ...(task.noiseRatio === undefined
      ? {}
      : { ratio: task.noiseRatio, std: spec.std, seed: deriveSeed(spec.key, input.split, input.index) }),
  });
  return { lr, shape: degradedShape(task.degradation, [c, h, w], task.scale) };
}

/** Runs the model on one LR snapshot: whole field, or tiles with overlap and blending when the model sets `tile`. */
export async function predictSnapshot(
  model: Model,
  lr: Float32Array,
  shape: readonly [number, number, number],
  scale: number,
): Promise<Float32Array> {
  if (model.tile !== undefined) return predictTiled(model, lr, shape, scale, model.tile);
  return model.predict(lr, [1, ...shape], { scale });
}

/** The model's HR prediction [C, H, W] for one snapshot, checked for size. */
export async function predictFor(model: Model, input: SnapshotInput): Promise<Float32Array> {
  const { spec, task } = input;
  const [h, w] = spec.hr;
  const c = spec.channels.length;
  const { lr, shape } = makeLowRes(input);
  const pred = await predictSnapshot(model, lr, shape, task.scale);
  if (pred.length !== c * h * w) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `model ${model.name} returned ${pred.length} values for a ${c}x${h}x${w} field (LR ${shape.join("x")} at x${task.scale})`,
    );
  }
  return pred;
}

/** `onPrediction` sees the prediction before scoring (`run --save-predictions` writes it). */
export async function evaluateSnapshot(
  model: Model,
  input: SnapshotInput,
  mode: MetricMode,
  onPrediction?: (pred: Float32Array) => void,
): Promise<SnapshotScore> {
  const { spec, hr } = input;
  const pred = await predictFor(model, input);
  onPrediction?.(pred);
  return scoreSnapshot(pred, hr, [spec.channels.length, ...spec.hr], scoreOptions(spec, mode));
}
