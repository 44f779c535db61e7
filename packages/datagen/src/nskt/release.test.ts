import { describe, expect, it } from "vitest";
import {
  RELEASES,
  RELEASE_SEED_END,
  countSplits,
  getRelease,
  planRelease,
  shardPlan,
  type PlannedTrajectory,
} from "./release.js";

const TRAIN_SIDE = new Set(["train"]);
const HELD_OUT = new Set(["valid_1", "valid_2", "test_1", "test_2"]);

function seedsOf(plan: readonly PlannedTrajectory[], splits: Set<string>): Set<number> {
  return new Set(plan.filter((t) => t.snapshots.some((s) => splits.has(s.split))).map((t) => t.seed));
}

describe("planRelease", () => {
  it("gives the issue's default sizes and SuperBench's 1000/200/200 with superbench", () => {
    const r = getRelease("nskt16k-fb-v1");
    // default: 20 train trajectories x 10, 2 valid x (10 + 10), 4 test x (10 + 10).
    expect(countSplits(planRelease(r))).toEqual({ train: 200, valid_1: 20, valid_2: 20, test_1: 40, test_2: 40 });
    expect(countSplits(planRelease(r, "superbench"))).toEqual({
      train: 1000,
      valid_1: 100,
      valid_2: 100,
      test_1: 100,
      test_2: 100,
    });
  });

  it.each(["default", "superbench"] as const)(
    "keeps every trajectory on one side of the train/test line (%s)",
    (size) => {
      for (const r of RELEASES) {
        const plan = planRelease(r, size);
        const seeds = plan.map((t) => t.seed);
        expect(new Set(seeds).size).toBe(seeds.length); // one seed per trajectory
        expect(seeds.every((s) => s < RELEASE_SEED_END)).toBe(true);
        const train = seedsOf(plan, TRAIN_SIDE);
        const heldOut = seedsOf(plan, HELD_OUT);
        expect([...train].filter((s) => heldOut.has(s))).toEqual([]);
        // valid and test trajectories are disjoint too.
        const valid = seedsOf(plan, new Set(["valid_1", "valid_2"]));
        const test = seedsOf(plan, new Set(["test_1", "test_2"]));
        expect([...valid].filter((s) => test.has(s))).toEqual([]);
      }
    },
  );

  it("puts test_1 inside the training time window and test_2 after it", () => {
    const r = getRelease("nskt32k-fb-v1");
    const plan = planRelease(r);
    const times = (split: string) =>
      plan.flatMap((t) => t.snapshots.filter((s) => s.split === split).map((s) => s.time));
    const train = times("train");
    const [lo, hi] = [Math.min(...train), Math.max(...train)];
    // Window: the calibration's [2.5, 3.5], ten times 1/9 apart, the same for every trajectory.
    expect(lo).toBe(2.5);
    expect(hi).toBe(3.5);
    expect(new Set(train).size).toBe(10);
    expect(train[1]! - train[0]!).toBeCloseTo(1 / 9, 12);
    for (const t of [...times("test_1"), ...times("valid_1")]) {
      expect(t).toBeGreaterThanOrEqual(lo);
      expect(t).toBeLessThanOrEqual(hi);
    }
    // Later times: ten in (3.5, 4.5], 0.1 apart.
    const later = times("test_2");
    for (const t of [...later, ...times("valid_2")]) expect(t).toBeGreaterThan(hi);
    expect(Math.min(...later)).toBeCloseTo(3.6, 12);
    expect(Math.max(...later)).toBeCloseTo(4.5, 12);
  });

  it("a superbench-size release extends the default one: the default trajectories are among its first", () => {
    const r = getRelease("nskt16k-fb-v1");
    const big = new Map(planRelease(r, "superbench").map((t) => [t.seed, t.group]));
    for (const t of planRelease(r)) expect(big.get(t.seed)).toBe(t.group);
  });

  it("refuses zero trajectories in a group", () => {
    expect(() => planRelease(getRelease("nskt16k-fb-v1"), { train: 2, valid: 0, test: 1 })).toThrow(
      /valid trajectories must be 1..999, got 0/,
    );
    expect(() => getRelease("nskt64k")).toThrow(/unknown release "nskt64k"/);
  });
});

describe("shardPlan", () => {
  it("splits the trajectories into disjoint shards that cover the plan", () => {
    const plan = planRelease(getRelease("nskt16k-fb-v1"));
    const shards = [0, 1, 2].map((index) => shardPlan(plan, { index, count: 3 }));
    const seeds = shards.flat().map((t) => t.seed);
    expect(seeds.sort((a, b) => a - b)).toEqual(plan.map((t) => t.seed).sort((a, b) => a - b));
    // 26 trajectories over 3 shards: 9, 9, 8.
    expect(shards.map((s) => s.length)).toEqual([9, 9, 8]);
    expect(() => shardPlan(plan, { index: 3, count: 3 })).toThrow(/i must be 0..2/);
  });
});
