import { type SnapshotInput, type SnapshotMetric, type Stats, needsUV } from "../metric.js";
import { gridSpacing } from "./divergence.js";
import { vorticityFd } from "./vorticity.js";

/**
 * Statistics from (u, v) = channels 0, 1 in raw units, with the finite-difference vorticity (periodic, 4th order):
 * sum (w_t - w_p)^2, sum w_t^2, enstrophy Z = 0.5 mean(w^2) and kinetic energy KE = 0.5 mean(u^2 + v^2).
 */
export function vorticityStatistics(input: SnapshotInput): Stats {
  const [, h, w] = input.shape;
  const n = h * w;
  const spacing = gridSpacing(input, w);
  const wp = vorticityFd(input.pred.subarray(0, n), input.pred.subarray(n, 2 * n), h, w, spacing);
  const wt = vorticityFd(input.truth.subarray(0, n), input.truth.subarray(n, 2 * n), h, w, spacing);
  let err = 0;
  let ref = 0;
  let zp = 0;
  for (let i = 0; i < n; i++) {
    const d = (wt[i] as number) - (wp[i] as number);
    err += d * d;
    ref += (wt[i] as number) ** 2;
    zp += (wp[i] as number) ** 2;
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

/** ||w_t - w_p||_2 / ||w_t||_2 of the finite-difference vorticity. */
export const vortRfne: SnapshotMetric = {
  id: "vort_rfne",
  scope: "snapshot",
  group: "vorticity",
  requires: needsUV,
  finalize: (s) => Math.sqrt(s.err as number) / Math.sqrt(s.ref as number),
};

/** abs(KE_p - KE_t) / KE_t with KE = 0.5 mean(u^2 + v^2). */
export const keRel: SnapshotMetric = {
  id: "ke_rel",
  scope: "snapshot",
  group: "vorticity",
  requires: needsUV,
  finalize: (s) => Math.abs((s.kePred as number) - (s.keTruth as number)) / (s.keTruth as number),
};

/** abs(Z_p - Z_t) / Z_t with Z = 0.5 mean(w^2). */
export const enstrophyRel: SnapshotMetric = {
  id: "enstrophy_rel",
  scope: "snapshot",
  group: "vorticity",
  requires: needsUV,
  finalize: (s) => Math.abs((s.enstrophyPred as number) - (s.enstrophyTruth as number)) / (s.enstrophyTruth as number),
};
