import type { SnapshotInput, SnapshotMetric, SnapshotStatistics, Stats } from "../metric.js";
import { VELOCITY_CHANNELS, needsUV } from "../metric.js";

/**
 * Divergence D = du/dx + dv/dy of channels 0 (u) and 1 (v) in raw units, x along rows (first axis) for u and y
 * along columns for v, 4th-order central stencil, h = options.gridSpacing ?? 2 pi / W.
 * - `valid` (SuperBench): no padding, D over the (H-4) x (W-4) interior; value mean(D^2).
 * - `periodic`: indices wrap, D over all H x W pixels.
 */
export function divergenceMeanSquare(
  u: Float32Array,
  v: Float32Array,
  h: number,
  w: number,
  spacing: number,
): { valid: number; periodic: number } {
  const inv = 1 / (12 * spacing);
  let valid = 0;
  let periodic = 0;
  const wrap = (j: number): number => (j + w) % w;
  for (let i = 0; i < h; i++) {
    const m2 = ((i - 2 + h) % h) * w;
    const m1 = ((i - 1 + h) % h) * w;
    const p1 = ((i + 1) % h) * w;
    const p2 = ((i + 2) % h) * w;
    const o = i * w;
    let rowSum = 0;
    // Interior columns: no index wrapping in the hot loop.
    for (let j = 2; j < w - 2; j++) {
      const d =
        ((u[m2 + j] as number) -
          8 * (u[m1 + j] as number) +
          8 * (u[p1 + j] as number) -
          (u[p2 + j] as number) +
          (v[o + j - 2] as number) -
          8 * (v[o + j - 1] as number) +
          8 * (v[o + j + 1] as number) -
          (v[o + j + 2] as number)) *
        inv;
      rowSum += d * d;
    }
    let edgeSum = 0;
    for (const j of new Set([0, 1, w - 2, w - 1])) {
      if (j < 0 || j >= w || (j >= 2 && j < w - 2)) continue;
      const d =
        ((u[m2 + j] as number) -
          8 * (u[m1 + j] as number) +
          8 * (u[p1 + j] as number) -
          (u[p2 + j] as number) +
          (v[o + wrap(j - 2)] as number) -
          8 * (v[o + wrap(j - 1)] as number) +
          8 * (v[o + wrap(j + 1)] as number) -
          (v[o + wrap(j + 2)] as number)) *
        inv;
      edgeSum += d * d;
    }
    periodic += rowSum + edgeSum;
    if (i >= 2 && i < h - 2) valid += rowSum;
  }
  return { valid: valid / ((h - 4) * (w - 4)), periodic: periodic / (h * w) };
}

export function gridSpacing(input: { options: { gridSpacing?: number } }, w: number): number {
  return input.options.gridSpacing ?? (2 * Math.PI) / w;
}

export function divergenceStatistics(input: SnapshotInput): Stats {
  const [, h, w] = input.shape;
  const n = h * w;
  const spacing = gridSpacing(input, w);
  const pred = divergenceMeanSquare(input.pred.subarray(0, n), input.pred.subarray(n, 2 * n), h, w, spacing);
  const truth = divergenceMeanSquare(input.truth.subarray(0, n), input.truth.subarray(n, 2 * n), h, w, spacing);
  return { pred: pred.valid, truth: truth.valid, predPeriodic: pred.periodic, truthPeriodic: truth.periodic };
}

const DIVERGENCE_STATISTICS: SnapshotStatistics = { id: "divergence", compute: divergenceStatistics };

const divMetric = (
  id: string,
  key: string,
  description: string,
  shown: Pick<SnapshotMetric, "modes" | "summary">,
): SnapshotMetric => ({
  id,
  scope: "snapshot",
  statistics: DIVERGENCE_STATISTICS,
  description,
  unit: "(raw/length)^2",
  better: "lower",
  channels: VELOCITY_CHANNELS,
  ...shown,
  requires: needsUV,
  finalize: (s) => s[key] as number,
});

/** mean(D^2) of the prediction, SuperBench's physics metric (valid region). */
export const divMse = divMetric("div_mse", "pred", "mean(D^2) of the prediction, D = du/dx + dv/dy (SuperBench)", {
  modes: ["compat", "default"],
  summary: ["compat", "default"],
});
/** The same number for the ground truth: the floor a perfect model would reach on this grid. */
export const divMseTruth = divMetric("div_mse_truth", "truth", "div_mse of the truth: the floor on this grid", {
  modes: ["default"],
  summary: ["default"],
});
/** mean(D^2) of the prediction with periodic wrap (for periodic domains such as NSKT). */
export const divMsePeriodic = divMetric("div_mse_periodic", "predPeriodic", "div_mse with periodic wrap", {
  modes: [],
});
export const divMsePeriodicTruth = divMetric(
  "div_mse_periodic_truth",
  "truthPeriodic",
  "div_mse_periodic of the truth",
  { modes: [] },
);
