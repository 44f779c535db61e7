import type { ChannelStatistics, Stats } from "../metric.js";

/**
 * One pass over a channel: the sums behind every pixel metric, on z = (x - mean) / std (SuperBench z-scores
 * before measuring). Truth NaN pixels are masked (skipped and counted); prediction NaN/Inf pixels are counted
 * as invalid and make the pixel metrics NaN in `finalize` (never silently averaged).
 * Runs over [start, end) of the arrays (the whole by default).
 */
export function pixelStatistics(
  pred: Float32Array,
  truth: Float32Array,
  mean: number,
  std: number,
  start = 0,
  end = pred.length,
): Stats {
  const inv = 1 / std;
  let count = 0;
  let masked = 0;
  let invalid = 0;
  let sumSq = 0;
  let sumAbs = 0;
  let sumTrueSq = 0;
  let maxAbsDiff = 0;
  let maxAbsTrue = 0;
  let maxTrue = Number.NEGATIVE_INFINITY;
  let minTrue = Number.POSITIVE_INFINITY;
  let maxPred = Number.NEGATIVE_INFINITY;
  let minPred = Number.POSITIVE_INFINITY;
  for (let i = start; i < end; i++) {
    const tv = truth[i] as number;
    const pv = pred[i] as number;
    if (!Number.isFinite(pv)) {
      invalid++;
      continue;
    }
    const p = (pv - mean) * inv;
    if (p > maxPred) maxPred = p;
    if (p < minPred) minPred = p;
    if (Number.isNaN(tv)) {
      masked++;
      continue;
    }
    const t = (tv - mean) * inv;
    const d = t - p;
    const a = Math.abs(d);
    count++;
    sumSq += d * d;
    sumAbs += a;
    sumTrueSq += t * t;
    if (a > maxAbsDiff) maxAbsDiff = a;
    const at = Math.abs(t);
    if (at > maxAbsTrue) maxAbsTrue = at;
    if (t > maxTrue) maxTrue = t;
    if (t < minTrue) minTrue = t;
  }
  return {
    count,
    masked,
    invalid,
    sumSq,
    sumAbs,
    sumTrueSq,
    maxAbsDiff,
    maxAbsTrue,
    maxTrue,
    minTrue,
    maxPred,
    minPred,
  };
}

/** The pixel pass as the scorer shares it: every pixel metric, SSIM and MS-SSIM read these sums. */
export const PIXEL_STATISTICS: ChannelStatistics = {
  id: "pixel",
  compute: (input) => pixelStatistics(input.pred, input.truth, input.mean, input.std),
};

/** NaN when any prediction pixel was NaN/Inf or no truth pixel was valid; else `value()`. */
export function guarded(stats: Stats, value: () => number): number {
  if ((stats.invalid as number) > 0 || (stats.count as number) === 0) return Number.NaN;
  return value();
}
