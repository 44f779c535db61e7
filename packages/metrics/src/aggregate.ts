import { createRng } from "@fieldbench/core";
import type { AggregateScore, SnapshotScore } from "./score-types.js";

/** The value of each metric for one snapshot: the mean over channels of per-channel metrics, or the snapshot metric. */
function snapshotValues(score: SnapshotScore): Record<string, number> {
  const out: Record<string, number> = {};
  const names = new Set(score.perChannel.flatMap((r) => Object.keys(r)));
  for (const name of names) {
    let sum = 0;
    for (const record of score.perChannel) sum += record[name] as number;
    out[name] = sum / score.perChannel.length;
  }
  for (const [name, value] of Object.entries(score.snapshot)) out[name] = value;
  return out;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function percentile(sorted: readonly number[], q: number): number {
  // Linear interpolation between closest ranks (numpy's default "linear" method).
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * SuperBench's aggregate: the arithmetic mean over (snapshot, channel), which equals the mean over snapshots of the
 * per-snapshot channel means (every snapshot has the same channels). A NaN or Infinity anywhere stays in the mean:
 * nothing is silently dropped. ci95: percentile bootstrap over snapshots (resamples default 1000, seed default 0,
 * createRng), [2.5%, 97.5%] of the resampled means; NaN bounds when any value is NaN.
 */
export function aggregateScores(
  snapshots: readonly SnapshotScore[],
  options: { seed?: number; resamples?: number } = {},
): AggregateScore {
  const n = snapshots.length;
  const values = snapshots.map(snapshotValues);
  const names = n === 0 ? [] : Object.keys(values[0] as Record<string, number>);
  const metrics: Record<string, number> = {};
  const ci95: Record<string, readonly [number, number]> = {};
  const resamples = options.resamples ?? 1000;
  const rng = createRng(options.seed ?? 0);
  const draws: number[][] = [];
  for (let b = 0; b < resamples; b++) draws.push(Array.from({ length: n }, () => rng.int(n)));
  for (const name of names) {
    const series = values.map((v) => v[name] as number);
    metrics[name] = mean(series);
    if (series.some((v) => Number.isNaN(v))) {
      ci95[name] = [Number.NaN, Number.NaN];
      continue;
    }
    const means = draws.map((draw) => mean(draw.map((i) => series[i] as number))).sort((a, b) => a - b);
    ci95[name] = [percentile(means, 0.025), percentile(means, 0.975)];
  }
  const channels = n === 0 ? 0 : (snapshots[0] as SnapshotScore).perChannel.length;
  const perChannel = Array.from({ length: channels }, (_, c) => {
    const record: Record<string, number> = {};
    for (const name of Object.keys((snapshots[0] as SnapshotScore).perChannel[c] ?? {})) {
      record[name] = mean(snapshots.map((s) => (s.perChannel[c] as Record<string, number>)[name] as number));
    }
    return record;
  });
  return { metrics, perChannel, ci95, snapshots: n };
}
