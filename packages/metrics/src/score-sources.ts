import { FieldbenchError } from "@fieldbench/core";
import { aggregateScores } from "./aggregate.js";
import { listMetrics } from "./registry.js";
import { scoreSnapshot as scoreInThread } from "./score.js";
import type { AggregateScore, ScoreOptions, SnapshotScore } from "./score-types.js";

/**
 * Snapshots from anywhere (a file reader, a model): shape [C, H, W] (one snapshot) or [N, C, H, W], and a read
 * of snapshot n as float32 [C, H, W]. The metrics package knows no file formats; the CLI adapts its readers.
 */
export interface SnapshotSource {
  readonly name: string;
  readonly shape: readonly number[];
  readSnapshot(n: number): Promise<Float32Array>;
}

export interface ScoreSourcesOptions extends Omit<ScoreOptions, "metrics"> {
  /** Metric names; default: every metric whose requirements these options and shapes meet. */
  readonly metrics?: readonly string[];
  readonly seed?: number;
  readonly resamples?: number;
  /** Called after each snapshot (progress). */
  readonly onSnapshot?: (done: number, total: number) => void;
  /** The per-snapshot scorer (default: scoreSnapshot in this thread). */
  readonly scoreSnapshot?: (
    pred: Float32Array,
    truth: Float32Array,
    shape: readonly [number, number, number],
    options: ScoreOptions,
  ) => Promise<SnapshotScore>;
}

export interface SourcesScore extends AggregateScore {
  readonly metricNames: readonly string[];
  /** Totals over all snapshots, per channel. */
  readonly maskedTruth: readonly number[];
  readonly invalidPrediction: readonly number[];
}

function snapshotLayout(source: SnapshotSource): { n: number; shape: [number, number, number] } {
  const s = source.shape;
  if (s.length === 3) return { n: 1, shape: [s[0] as number, s[1] as number, s[2] as number] };
  if (s.length === 4) return { n: s[0] as number, shape: [s[1] as number, s[2] as number, s[3] as number] };
  throw new FieldbenchError(
    "SHAPE_MISMATCH",
    `${source.name} has shape [${s.join(", ")}]; scoring needs [C, H, W] or [N, C, H, W]`,
  );
}

/** The metrics that can be computed with these options on this shape (the default set). */
export function applicableMetrics(
  options: Omit<ScoreOptions, "metrics">,
  shape: readonly [number, number, number],
): string[] {
  const full = { ...options, metrics: [] };
  return listMetrics()
    .filter((m) => m.requires?.(full, shape) === undefined)
    .map((m) => m.id);
}

/**
 * Scores prediction against truth snapshot by snapshot (only one pair in memory at a time) and aggregates as
 * SuperBench: mean over (snapshot, channel), with bootstrap 95% intervals over snapshots.
 */
export async function scoreSources(
  pred: SnapshotSource,
  truth: SnapshotSource,
  options: ScoreSourcesOptions,
): Promise<SourcesScore> {
  if (pred.shape.length !== truth.shape.length || pred.shape.some((n, i) => n !== truth.shape[i])) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `prediction ${pred.name} has shape [${pred.shape.join(", ")}], truth ${truth.name} has [${truth.shape.join(", ")}]`,
    );
  }
  const { n, shape } = snapshotLayout(truth);
  const { seed, resamples, onSnapshot, scoreSnapshot = scoreInThread, metrics, ...rest } = options;
  const metricNames = metrics ?? applicableMetrics(rest, shape);
  const scoreOptions: ScoreOptions = { ...rest, metrics: metricNames };
  const snapshots: SnapshotScore[] = [];
  const maskedTruth = new Array<number>(shape[0]).fill(0);
  const invalidPrediction = new Array<number>(shape[0]).fill(0);
  for (let i = 0; i < n; i++) {
    const [p, t] = await Promise.all([pred.readSnapshot(i), truth.readSnapshot(i)]);
    const score = await scoreSnapshot(p, t, shape, scoreOptions);
    for (let c = 0; c < shape[0]; c++) {
      maskedTruth[c] = (maskedTruth[c] as number) + (score.maskedTruth[c] as number);
      invalidPrediction[c] = (invalidPrediction[c] as number) + (score.invalidPrediction[c] as number);
    }
    snapshots.push(score);
    onSnapshot?.(i + 1, n);
  }
  const aggregate = aggregateScores(snapshots, {
    ...(seed === undefined ? {} : { seed }),
    ...(resamples === undefined ? {} : { resamples }),
  });
  return { ...aggregate, metricNames, maskedTruth, invalidPrediction };
}
