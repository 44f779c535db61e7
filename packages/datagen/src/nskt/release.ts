import { FieldbenchError } from "@fieldbench/core";
import { NSKT_CALIBRATION, type NsktParams } from "./params.js";
import type { SplitName } from "./splits.js";

/**
 * The generator parameters of a release: everything that decides the values except the trajectory's seed. The
 * physics and the time windows are NSKT_CALIBRATION's (params.ts: matched to SuperBench's bicubic RFNE and channel
 * stds at 2048^2, packages/datagen/reports/nskt-calibration.md).
 */
export interface NsktReleaseParams {
  re: number;
  /** HR grid side. */
  size: number;
  /** `LR_fields` from the same initial condition on a size / lrFactor grid; 0: none. */
  lrFactor: number;
  k0: number;
  cfl: number;
  /**
   * Training window [first, last] (inclusive; the spin-up runs to `first`): train, valid_1 and test_1 snapshots
   * are spread evenly over it. Later snapshots (valid_2, test_2) are spread evenly over (window[1], extrapolation].
   */
  window: readonly [number, number];
  extrapolationEnd: number;
  forcing?: NsktParams["forcing"];
  /** True once the values are matched to SuperBench's published difficulty. */
  calibrated: boolean;
}

/** How many trajectories each group gets; every trajectory has one seed and belongs to exactly one group. */
export interface TrajectoryCounts {
  train: number;
  valid: number;
  test: number;
}

export const RELEASE_SIZES = ["default", "superbench"] as const;
export type ReleaseSize = (typeof RELEASE_SIZES)[number];

export interface NsktRelease {
  /** Release name and dataset key, e.g. nskt16k-fb-v1. */
  key: string;
  version: string;
  title: string;
  params: NsktReleaseParams;
  /** Snapshots per trajectory inside the training time window (train, valid_1, test_1 times). */
  windowSnapshots: number;
  /** Snapshots per held-out trajectory after the window (valid_2, test_2 times). */
  laterSnapshots: number;
  /**
   * default: 20 x 10 = 200 train, 2 x (10 + 10) = 20 + 20 valid, 4 x (10 + 10) = 40 + 40 test.
   * superbench: 1000 train, 100 + 100 valid, 100 + 100 test (SuperBench v2's 1000 / 200 / 200).
   */
  trajectories: Record<ReleaseSize, TrajectoryCounts>;
  /** Where the files are hosted once they are (too big for the repository); null until then. */
  downloadUrl: string | null;
}

/**
 * Seeds per group: group base + ordinal. The default release's trajectories are the first ones of the
 * superbench-size release, and a seed tells which group its trajectory belongs to.
 */
export const GROUP_SEED_BASE = { train: 1000, valid: 2000, test: 3000 } as const;
/** Seeds below this are the releases' own; held-out trajectories must use others. */
export const RELEASE_SEED_END = 4000;

const CALIBRATED: Omit<NsktReleaseParams, "re"> = {
  size: NSKT_CALIBRATION.size,
  lrFactor: 4,
  k0: NSKT_CALIBRATION.k0,
  cfl: NSKT_CALIBRATION.cfl,
  window: NSKT_CALIBRATION.window,
  extrapolationEnd: NSKT_CALIBRATION.extrapolation[1],
  calibrated: true,
};

function release(key: string, re: number): NsktRelease {
  return {
    key,
    version: "fb-v1",
    title: `fieldbench NSKT Re = ${re}, 2048^2, many independent trajectories (release fb-v1)`,
    params: { ...CALIBRATED, re },
    windowSnapshots: 10,
    laterSnapshots: 10,
    trajectories: {
      default: { train: 20, valid: 2, test: 4 },
      superbench: { train: 100, valid: 10, test: 10 },
    },
    downloadUrl: null,
  };
}

export const RELEASES: readonly NsktRelease[] = [release("nskt16k-fb-v1", 16000), release("nskt32k-fb-v1", 32000)];

export function getRelease(key: string): NsktRelease {
  const found = RELEASES.find((r) => r.key === key);
  if (found === undefined) {
    throw new FieldbenchError(
      "UNKNOWN_DATASET",
      `unknown release "${key}" (known: ${RELEASES.map((r) => r.key).join(", ")})`,
    );
  }
  return found;
}

export type TrajectoryGroup = keyof TrajectoryCounts;

export interface PlannedSnapshot {
  /** Position in the trajectory (0 = first snapshot, at the window's start). */
  index: number;
  time: number;
  split: SplitName;
}

export interface PlannedTrajectory {
  seed: number;
  group: TrajectoryGroup;
  snapshots: PlannedSnapshot[];
  /** Simulated time of the last snapshot (how far the solver runs). */
  endTime: number;
}

const GROUP_SPLITS: Record<TrajectoryGroup, readonly [SplitName, SplitName | undefined]> = {
  train: ["train", undefined],
  valid: ["valid_1", "valid_2"],
  test: ["test_1", "test_2"],
};

/**
 * Time of snapshot k of a trajectory: k < windowSnapshots spread evenly over the window, inclusive (10 snapshots in
 * [2.5, 3.5]: 1/9 apart); the later ones evenly over (window end, extrapolationEnd] (10 in (3.5, 4.5]: 0.1 apart).
 */
export function snapshotTime(r: Pick<NsktRelease, "params" | "windowSnapshots" | "laterSnapshots">, k: number): number {
  const [first, last] = r.params.window;
  if (k < r.windowSnapshots) {
    return r.windowSnapshots === 1 ? first : first + (k * (last - first)) / (r.windowSnapshots - 1);
  }
  return last + ((k - r.windowSnapshots + 1) * (r.params.extrapolationEnd - last)) / r.laterSnapshots;
}

/**
 * Window and extrapolation end from a first snapshot time and a spacing, for previews that set both (`--t-start`,
 * `--interval`): snapshot k at tStart + k interval, the window's last at k = windowSnapshots - 1.
 */
export function windowsFrom(
  r: Pick<NsktRelease, "windowSnapshots" | "laterSnapshots">,
  tStart: number,
  interval: number,
): Pick<NsktReleaseParams, "window" | "extrapolationEnd"> {
  const last = tStart + (r.windowSnapshots - 1) * interval;
  return { window: [tStart, last], extrapolationEnd: last + r.laterSnapshots * interval };
}

/**
 * Which trajectory and time goes to which split. Train trajectories give only window snapshots (train); held-out
 * trajectories give window snapshots to valid_1 / test_1 ("interpolation": same times as training, unseen flows)
 * and later ones to valid_2 / test_2 ("extrapolation"). A trajectory lies in one group, so no flow is both trained
 * on and tested. Trajectories are listed train, valid, test, in seed order.
 */
export function planRelease(r: NsktRelease, size: ReleaseSize | TrajectoryCounts = "default"): PlannedTrajectory[] {
  const counts = typeof size === "string" ? r.trajectories[size] : size;
  for (const [group, count] of Object.entries(counts)) {
    if (!Number.isSafeInteger(count) || count < 1 || count >= 1000) {
      throw new FieldbenchError("INVALID_VALUE", `${r.key}: ${group} trajectories must be 1..999, got ${count}`);
    }
  }
  const plan: PlannedTrajectory[] = [];
  for (const group of ["train", "valid", "test"] as const) {
    for (let i = 0; i < counts[group]; i++) plan.push(planTrajectory(r, group, GROUP_SEED_BASE[group] + i));
  }
  return plan;
}

/** One trajectory of a group with a given seed (also used for held-out test trajectories). */
export function planTrajectory(r: NsktRelease, group: TrajectoryGroup, seed: number): PlannedTrajectory {
  const [inWindow, later] = GROUP_SPLITS[group];
  const total = r.windowSnapshots + (later === undefined ? 0 : r.laterSnapshots);
  const snapshots: PlannedSnapshot[] = [];
  for (let k = 0; k < total; k++) {
    const split = k < r.windowSnapshots ? inWindow : (later as SplitName);
    snapshots.push({ index: k, time: snapshotTime(r, k), split });
  }
  return { seed, group, snapshots, endTime: snapshots[snapshots.length - 1]!.time };
}

export interface Shard {
  index: number;
  count: number;
}

/** Trajectory i goes to shard i mod count: each shard gets a mix of cheap (train) and long (held-out) runs. */
export function shardPlan(plan: readonly PlannedTrajectory[], shard: Shard): PlannedTrajectory[] {
  if (!(Number.isSafeInteger(shard.count) && shard.count >= 1 && Number.isSafeInteger(shard.index))) {
    throw new FieldbenchError("BAD_USAGE", `shard ${shard.index}/${shard.count}: need i/n with n >= 1`);
  }
  if (shard.index < 0 || shard.index >= shard.count) {
    throw new FieldbenchError("BAD_USAGE", `shard ${shard.index}/${shard.count}: i must be 0..${shard.count - 1}`);
  }
  return plan.filter((_, i) => i % shard.count === shard.index);
}

/** Snapshots per split of a plan. */
export function countSplits(plan: readonly PlannedTrajectory[]): Record<SplitName, number> {
  const out: Record<SplitName, number> = { train: 0, valid_1: 0, valid_2: 0, test_1: 0, test_2: 0 };
  for (const t of plan) for (const s of t.snapshots) out[s.split]++;
  return out;
}
