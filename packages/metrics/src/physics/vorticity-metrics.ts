import {
  type SnapshotInput,
  type SnapshotMetric,
  type SnapshotStatistics,
  type Stats,
  VELOCITY_CHANNELS,
  needsUV,
} from "../metric.js";
import { gridSpacing } from "./divergence.js";
import { vorticityFdRow } from "./vorticity.js";

/**
 * Statistics from (u, v) = channels 0, 1 in raw units, with the finite-difference vorticity (periodic, 4th order):
 * sum (w_t - w_p)^2, sum w_t^2, enstrophy Z = 0.5 mean(w^2) and kinetic energy KE = 0.5 mean(u^2 + v^2).
 */
export function vorticityStatistics(input: SnapshotInput): Stats {
  const [, h, w] = input.shape;
  const n = h * w;
  const spacing = gridSpacing(input, w);
  const up = input.pred.subarray(0, n);
  const vp = input.pred.subarray(n, 2 * n);
  const ut = input.truth.subarray(0, n);
  const vt = input.truth.subarray(n, 2 * n);
  // One row of each vorticity at a time (vorticityFdRow), so no H x W temporaries are allocated.
  const wp = new Float64Array(w);
  const wt = new Float64Array(w);
  let err = 0;
  let ref = 0;
  let zp = 0;
  for (let i = 0; i < h; i++) {
    vorticityFdRow(up, vp, h, w, spacing, i, wp);
    vorticityFdRow(ut, vt, h, w, spacing, i, wt);
    for (let j = 0; j < w; j++) {
      const a = wt[j] as number;
      const b = wp[j] as number;
      err += (a - b) * (a - b);
      ref += a * a;
      zp += b * b;
    }
  }
  let kp = 0;
  let kt = 0;
  for (let i = 0; i < 2 * n; i++) {
    kp += (input.pred[i] as number) ** 2;
    kt += (input.truth[i] as number) ** 2;
  }
  return {
    err,
    ref,
    enstrophyPred: (0.5 * zp) / n,
    enstrophyTruth: (0.5 * ref) / n,
    kePred: (0.5 * kp) / n,
    keTruth: (0.5 * kt) / n,
  };
}

const VORTICITY_STATISTICS: SnapshotStatistics = { id: "vorticity", compute: vorticityStatistics };

/** ||w_t - w_p||_2 / ||w_t||_2 of the finite-difference vorticity. */
export const vortRfne: SnapshotMetric = {
  id: "vort_rfne",
  scope: "snapshot",
  statistics: VORTICITY_STATISTICS,
  description: "rfne of the vorticity computed from u, v (4th-order differences)",
  unit: "1",
  better: "lower",
  nullable: "0/0 when the truth's vorticity is zero everywhere",
  modes: ["default"],
  channels: VELOCITY_CHANNELS,
  requires: needsUV,
  finalize: (s) => Math.sqrt(s.err as number) / Math.sqrt(s.ref as number),
};

/** abs(KE_p - KE_t) / KE_t with KE = 0.5 mean(u^2 + v^2). */
export const keRel: SnapshotMetric = {
  id: "ke_rel",
  scope: "snapshot",
  statistics: VORTICITY_STATISTICS,
  description: "abs(KE_pred - KE_true) / KE_true, KE = 0.5 mean(u^2 + v^2)",
  unit: "1",
  better: "lower",
  nullable: "0/0 when the truth's u and v are zero everywhere",
  modes: ["default"],
  channels: VELOCITY_CHANNELS,
  requires: needsUV,
  finalize: (s) => Math.abs((s.kePred as number) - (s.keTruth as number)) / (s.keTruth as number),
};

/** abs(Z_p - Z_t) / Z_t with Z = 0.5 mean(w^2). */
export const enstrophyRel: SnapshotMetric = {
  id: "enstrophy_rel",
  scope: "snapshot",
  statistics: VORTICITY_STATISTICS,
  description: "abs(Z_pred - Z_true) / Z_true, enstrophy Z = 0.5 mean(w^2)",
  unit: "1",
  better: "lower",
  nullable: "0/0 when the truth's vorticity is zero everywhere",
  modes: ["default"],
  channels: VELOCITY_CHANNELS,
  requires: needsUV,
  finalize: (s) => Math.abs((s.enstrophyPred as number) - (s.enstrophyTruth as number)) / (s.enstrophyTruth as number),
};
