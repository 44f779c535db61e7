import { FieldbenchError } from "@fieldbench/core";
import { acc, latRmse } from "./lat/latitude.js";
import { METRIC_MODES, type Metric, type MetricMode } from "./metric.js";
import { msSsim } from "./perceptual/ms-ssim.js";
import { ssimFull } from "./perceptual/ssim-full.js";
import { ssim } from "./perceptual/ssim.js";
import { divMse, divMsePeriodic, divMsePeriodicTruth, divMseTruth } from "./physics/divergence.js";
import { enstrophyRel, keRel, vortRfne } from "./physics/vorticity-metrics.js";
import { inAbs } from "./pixel/in-abs.js";
import { inRel } from "./pixel/in-rel.js";
import { mae } from "./pixel/mae.js";
import { mse } from "./pixel/mse.js";
import { psnrRange } from "./pixel/psnr-range.js";
import { psnr } from "./pixel/psnr.js";
import { rfne } from "./pixel/rfne.js";
import { rmse } from "./pixel/rmse.js";
import type { ScoreOptions } from "./score-types.js";
import { spectrumLsd, spectrumLsdHigh, spectrumLsdLow, spectrumLsdMid } from "./spectral/spectrum-lsd.js";

/**
 * Every metric by name, in display order (tables, leaderboards, `--help`, the suite's results): the one list of
 * metrics. A new metric is one file exporting its descriptor, one test, and one line here (or `registerMetric`).
 */
const REGISTRY = new Map<string, Metric>();

const ID = /^[a-z][a-z0-9_]*$/;

/** Adds a metric after the built-in ones; every consumer (score, run, checks, ranking, tables, help) then lists it. */
export function registerMetric(metric: Metric): void {
  if (!ID.test(metric.id)) {
    throw new FieldbenchError("BAD_USAGE", `metric id "${metric.id}" must be lower case letters, digits and _`);
  }
  if (REGISTRY.has(metric.id)) throw new FieldbenchError("BAD_USAGE", `metric ${metric.id} is already registered`);
  const badMode = [...metric.modes, ...(metric.summary ?? [])].find((m) => !METRIC_MODES.includes(m));
  if (badMode !== undefined) {
    throw new FieldbenchError("BAD_USAGE", `metric ${metric.id}: unknown mode ${badMode} (${METRIC_MODES.join(", ")})`);
  }
  REGISTRY.set(metric.id, metric);
}

for (const metric of [
  rfne,
  mse,
  mae,
  rmse,
  inAbs,
  inRel,
  psnr,
  psnrRange,
  ssim,
  ssimFull,
  msSsim,
  divMse,
  divMseTruth,
  divMsePeriodic,
  divMsePeriodicTruth,
  vortRfne,
  keRel,
  enstrophyRel,
  spectrumLsd,
  spectrumLsdLow,
  spectrumLsdMid,
  spectrumLsdHigh,
  latRmse,
  acc,
]) {
  registerMetric(metric);
}

/** Every registered metric, in display order. */
export function listMetrics(): readonly Metric[] {
  return [...REGISTRY.values()];
}

export function metricNames(): string[] {
  return [...REGISTRY.keys()];
}

/** The metric's descriptor, or undefined for a name this version does not know (e.g. in an old result file). */
export function findMetric(name: string): Metric | undefined {
  return REGISTRY.get(name);
}

export function getMetric(name: string): Metric {
  const metric = REGISTRY.get(name);
  if (metric === undefined) {
    throw new FieldbenchError("UNKNOWN_METRIC", `unknown metric ${name} (known: ${metricNames().join(", ")})`);
  }
  return metric;
}

/** Names in display order: registered metrics in registry order, then unknown names alphabetically. */
export function orderMetrics(names: Iterable<string>): string[] {
  const set = new Set(names);
  const known = metricNames().filter((m) => set.has(m));
  const rest = [...set].filter((m) => !REGISTRY.has(m)).sort();
  return [...known, ...rest];
}

/** True when a larger value is better; unknown names count as errors (smaller is better). */
export function higherIsBetter(name: string): boolean {
  return REGISTRY.get(name)?.better === "higher";
}

/**
 * The metrics a suite mode reports for data with these options and [C, H, W] shape: those of the mode whose channel
 * names (physics: u, v) lead options.channelNames and whose requirements the options meet, in display order.
 */
export function metricsForMode(
  mode: MetricMode,
  options: Omit<ScoreOptions, "metrics">,
  shape: readonly [number, number, number],
): string[] {
  const full: ScoreOptions = { ...options, metrics: [] };
  const names = options.channelNames ?? [];
  return listMetrics()
    .filter((m) => m.modes.includes(mode))
    .filter((m) => (m.channels ?? []).every((c, i) => names[i] === c))
    .filter((m) => m.requires?.(full, shape) === undefined)
    .map((m) => m.id);
}
