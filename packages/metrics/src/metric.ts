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

/**
 * A metric per (snapshot, channel): `group` names the statistics it needs (computed once per channel and shared
 * by every metric of the group), `finalize` turns them into the value.
 */
export interface ChannelMetric {
  readonly id: string;
  readonly scope: "channel";
  readonly group: ChannelGroup;
  /** A reason the metric cannot be computed with these options, or undefined. */
  readonly requires?: (options: ScoreOptions, shape: readonly [number, number, number]) => string | undefined;
  readonly finalize: (stats: Stats, options: ScoreOptions) => number;
}

/** A metric of a whole snapshot (physics: channels 0 and 1 as u, v). */
export interface SnapshotMetric {
  readonly id: string;
  readonly scope: "snapshot";
  readonly group: SnapshotGroup;
  readonly requires?: (options: ScoreOptions, shape: readonly [number, number, number]) => string | undefined;
  readonly finalize: (stats: Stats, options: ScoreOptions) => number;
}

export type Metric = ChannelMetric | SnapshotMetric;
export type ChannelGroup = "pixel" | "ssim" | "ssim_full" | "ms_ssim" | "latitude";
export type SnapshotGroup = "divergence" | "vorticity" | "spectrum";

/** Shared `requires` checks. */
export const needsDataRange = (options: ScoreOptions): string | undefined =>
  options.dataRange === undefined ? "needs a data range (--data-range)" : undefined;

export const needsUV = (_options: ScoreOptions, shape: readonly [number, number, number]): string | undefined =>
  shape[0] < 2
    ? "needs channels 0 and 1 as u and v"
    : shape[1] < 5 || shape[2] < 5
      ? "needs at least 5 x 5 pixels (a 5-point stencil)"
      : undefined;
