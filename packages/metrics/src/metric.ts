import type { ScoreOptions } from "./score-types.js";

/** Sums (and maxima) that add across tiles; a metric's value is a function of them (WeatherBench's habit). */
export type Stats = Readonly<Record<string, number>>;

/** One channel of one snapshot, with the z-score constants the pixel metrics apply (0 and 1 when none). */
export interface ChannelInput {
  readonly pred: Float32Array;
  readonly truth: Float32Array;
  readonly h: number;
  readonly w: number;
  readonly channel: number;
  readonly mean: number;
  readonly std: number;
  readonly options: ScoreOptions;
}

/** A whole [C, H, W] snapshot in raw units (physics metrics never see z-scored values). */
export interface SnapshotInput {
  readonly pred: Float32Array;
  readonly truth: Float32Array;
  readonly shape: readonly [number, number, number];
  readonly options: ScoreOptions;
}

/** The suite's metric modes: compat reproduces SuperBench's definitions, default applies fieldbench's fixes. */
export const METRIC_MODES = ["compat", "default"] as const;
export type MetricMode = (typeof METRIC_MODES)[number];

export function isMetricMode(name: string | undefined): name is MetricMode {
  return (METRIC_MODES as readonly (string | undefined)[]).includes(name);
}

/**
 * Statistics of one channel that add across tiles, computed once per channel and shared by every metric naming the
 * same object (`get` returns another statistics' values for this channel, computed on first use: SSIM reuses the
 * pixel pass, MS-SSIM the SSIM pass). The pixel statistics are always computed (they count masked and invalid pixels).
 */
export interface ChannelStatistics {
  readonly id: string;
  readonly compute: (input: ChannelInput, get: (statistics: ChannelStatistics) => Stats) => Stats;
}

/** Statistics of a whole snapshot (physics), computed once per snapshot and shared like ChannelStatistics. */
export interface SnapshotStatistics {
  readonly id: string;
  readonly compute: (input: SnapshotInput) => Stats | Promise<Stats>;
}

/**
 * Everything the harness knows about a metric, in one place: how it is computed (statistics + finalize) and how every
 * consumer shows it (`fieldbench score --help`, the suite's modes, result checks, ranking, tables). Nothing else lists
 * metrics: a new metric is one file exporting its descriptor plus one line in registry.ts (or `registerMetric`).
 */
interface MetricFacts {
  /** Name in results, tables and `--metrics` (lower case, digits, underscores). */
  readonly id: string;
  /** One line for `fieldbench score --help`: the definition, and what it needs beyond prediction and truth. */
  readonly description: string;
  /** Unit of the value: "z" for the units the pixel metrics see (z-scored with --dataset, else raw), "1", "dB". */
  readonly unit: string;
  /** Which way is better: ranking, the leaderboard's column arrows. */
  readonly better: "lower" | "higher";
  /**
   * Why the value may be undefined (NaN, null in JSON) for a legitimate input, such as a division by a quantity of
   * the truth that can be zero. Result checks accept null only for metrics that say why; absent: never undefined.
   */
  readonly nullable?: string;
  /** The suite modes that report it (`fieldbench run superbench --mode`); empty: only on request (`score`). */
  readonly modes: readonly MetricMode[];
  /**
   * Channel names it reads by position (physics: ["u", "v"]): the suite reports it only for datasets whose channels
   * begin with these. `fieldbench score` trusts the caller's channel order (`--channels`).
   */
  readonly channels?: readonly string[];
  /** The modes whose run summary table shows it as a column (`fieldbench run`'s table). */
  readonly summary?: readonly MetricMode[];
  /** A reason the metric cannot be computed with these options on this [C, H, W] shape, or undefined. */
  readonly requires?: (options: ScoreOptions, shape: readonly [number, number, number]) => string | undefined;
  readonly finalize: (stats: Stats, options: ScoreOptions) => number;
}

/** A metric per (snapshot, channel), averaged over both as SuperBench. */
export interface ChannelMetric extends MetricFacts {
  readonly scope: "channel";
  readonly statistics: ChannelStatistics;
  /** The leaderboard's per-channel detail tables show it. */
  readonly perChannelTable?: boolean;
}

/** A metric of a whole snapshot (physics: channels 0 and 1 as u, v). */
export interface SnapshotMetric extends MetricFacts {
  readonly scope: "snapshot";
  readonly statistics: SnapshotStatistics;
}

export type Metric = ChannelMetric | SnapshotMetric;
/** The descriptor of a metric (the name the issue tracker and docs use). */
export type MetricDescriptor = Metric;

/** Physics metrics read channels 0 and 1 as velocity. */
export const VELOCITY_CHANNELS: readonly string[] = ["u", "v"];

/** Shared `requires` checks. */
export const needsDataRange = (options: ScoreOptions): string | undefined =>
  options.dataRange === undefined ? "needs a data range (--data-range)" : undefined;

export const needsUV = (_options: ScoreOptions, shape: readonly [number, number, number]): string | undefined =>
  shape[0] < 2
    ? "needs channels 0 and 1 as u and v"
    : shape[1] < 5 || shape[2] < 5
      ? "needs at least 5 x 5 pixels (a 5-point stencil)"
      : undefined;
