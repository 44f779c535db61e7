import { describe, expect, it } from "vitest";
import { aggregateScores } from "./aggregate.js";
import type { SnapshotScore } from "./score-types.js";

const snap = (mse: [number, number], div: number): SnapshotScore => ({
  perChannel: [{ mse: mse[0] }, { mse: mse[1] }],
  snapshot: { div_mse: div },
  maskedTruth: [0, 0],
  invalidPrediction: [0, 0],
});

describe("aggregateScores", () => {
  it("means over (snapshot, channel) as SuperBench, per channel, and snapshot metrics over snapshots", () => {
    // mse: (1 + 3 + 5 + 7) / 4 = 4; channel 0: (1 + 5) / 2 = 3, channel 1: (3 + 7) / 2 = 5; div: (2 + 4) / 2 = 3
    const a = aggregateScores([snap([1, 3], 2), snap([5, 7], 4)]);
    expect(a.metrics).toEqual({ mse: 4, div_mse: 3 });
    expect(a.perChannel).toEqual([{ mse: 3 }, { mse: 5 }]);
    expect(a.snapshots).toBe(2);
  });

  it("bootstrap CI: seeded, within the range of per-snapshot values, degenerate for identical snapshots", () => {
    const scores = Array.from({ length: 20 }, (_, i) => snap([i, i], i));
    const a = aggregateScores(scores, { seed: 7 });
    const b = aggregateScores(scores, { seed: 7 });
    expect(a.ci95).toEqual(b.ci95);
    const [lo, hi] = a.ci95.mse as [number, number];
    // mean 9.5, standard error sqrt(var/n) = sqrt(33.25/20) = 1.29: the 95% interval is about 9.5 -/+ 2.5
    expect(lo).toBeGreaterThan(6);
    expect(lo).toBeLessThan(9.5);
    expect(hi).toBeGreaterThan(9.5);
    expect(hi).toBeLessThan(13);
    const same = aggregateScores([snap([2, 2], 1), snap([2, 2], 1)]);
    expect(same.ci95.mse).toEqual([2, 2]);
  });

  it("NaN is never averaged away: the mean and the CI are NaN", () => {
    const a = aggregateScores([snap([1, Number.NaN], 2), snap([5, 7], 4)]);
    expect(a.metrics.mse).toBeNaN();
    expect(a.ci95.mse?.[0]).toBeNaN();
    expect(a.metrics.div_mse).toBe(3);
  });
});
