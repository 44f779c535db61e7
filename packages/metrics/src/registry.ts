import { FieldbenchError } from "@fieldbench/core";
import { acc, latRmse } from "./lat/latitude.js";
import type { Metric } from "./metric.js";
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
import { spectrumLsd, spectrumLsdHigh, spectrumLsdLow, spectrumLsdMid } from "./spectral/spectrum-lsd.js";

/** Every metric by name (DESIGN.md's names). A new metric is one file, one test and one line here. */
export const METRICS: ReadonlyMap<string, Metric> = new Map<string, Metric>(
  [
    mse,
    mae,
    rmse,
    rfne,
    inAbs,
    inRel,
    psnr,
    ssim,
    ssimFull,
    psnrRange,
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
  ].map((m) => [m.id, m]),
);

export const METRIC_NAMES: readonly string[] = [...METRICS.keys()];

export function getMetric(name: string): Metric {
  const metric = METRICS.get(name);
  if (metric === undefined) {
    throw new FieldbenchError("UNKNOWN_METRIC", `unknown metric ${name} (known: ${METRIC_NAMES.join(", ")})`);
  }
  return metric;
}
