/**
 * The contract between the metrics package and its callers (the SuperBench protocol, `fieldbench score`).
 * Fields are [C, H, W] float32, row-major, one snapshot at a time.
 */

/** Per-dataset normalisation: pixel metrics are computed on z = (x - mean_c) / std_c (SuperBench). */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface ScoreOptions {
  /** Metric names (docs/superbench.md: mse mae rmse rfne in_abs in_rel psnr ssim psnr_range ms_ssim div_mse ...). */
  readonly metrics: readonly string[];
  /** z-score with these constants before pixel/perceptual metrics; physics metrics always see raw values. */
  readonly normalization?: Normalization;
  /** Fixed data range for psnr_range / ms_ssim / ssim (when given, ssim uses it instead of the per-image range). */
  readonly dataRange?: number;
  /** Grid spacing for derivatives; SuperBench uses 2*pi/2048 on NSKT. Default 2*pi/W. */
  readonly gridSpacing?: number;
  /** Channel names (u, v, w); physics metrics use channels 0 and 1 as u, v. */
  readonly channelNames?: readonly string[];
  /** Latitudes (degrees, one per row) for lat_rmse / acc on lat-lon fields. */
  readonly latitudes?: Float64Array;
  /** Climatology [C, H, W] for acc. */
  readonly climatology?: Float32Array;
}

/** Scores of one snapshot: per-channel metrics and whole-snapshot (multi-channel) metrics. */
export interface SnapshotScore {
  /** One record per channel: metric name -> value (NaN when undefined, e.g. psnr with max <= 0). */
  readonly perChannel: readonly Readonly<Record<string, number>>[];
  /** Metrics that combine channels (div_mse, div_mse_truth, vort_rfne, spectrum_lsd, ...). */
  readonly snapshot: Readonly<Record<string, number>>;
  /** Truth pixels that were NaN (masked), and prediction pixels that were NaN/Inf, per channel. */
  readonly maskedTruth: readonly number[];
  readonly invalidPrediction: readonly number[];
}

/** Aggregate over snapshots: arithmetic mean over (snapshot, channel) as SuperBench, with bootstrap CIs. */
export interface AggregateScore {
  readonly metrics: Readonly<Record<string, number>>;
  readonly perChannel: readonly Readonly<Record<string, number>>[];
  /** 95% bootstrap confidence interval over snapshots (seeded), per metric. */
  readonly ci95: Readonly<Record<string, readonly [number, number]>>;
  readonly snapshots: number;
}
