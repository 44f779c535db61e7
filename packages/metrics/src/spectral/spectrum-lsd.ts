import {
  type SnapshotInput,
  type SnapshotMetric,
  type SnapshotStatistics,
  type Stats,
  VELOCITY_CHANNELS,
  needsUV,
} from "../metric.js";
import { fftShapeProblem } from "../fft.js";
import { energySpectrum } from "./energy-spectrum.js";

/**
 * Log-spectral distance between the energy spectra of prediction and truth:
 * LSD = sqrt(mean_k (log10 E_p(k) - log10 E_t(k))^2) over shells k of a band where E_t(k) > 0 (in decades).
 * With K = min(H, W) / 2 (the largest wavenumber resolved in every direction), the bands are
 * overall 1 <= k <= K, low 1 <= k <= K/16, mid K/16 < k <= K/4, high K/4 < k <= K
 * (for 2048^2: 1-64, 65-256, 257-1024; an x8 model sees LR data resolved up to k = 128).
 * A shell where the prediction has no energy and the truth has some gives +Infinity.
 */
export function spectrumBands(h: number, w: number): Record<string, readonly [number, number]> {
  const k = Math.floor(Math.min(h, w) / 2);
  return {
    all: [1, k],
    low: [1, Math.floor(k / 16)],
    mid: [Math.floor(k / 16) + 1, Math.floor(k / 4)],
    high: [Math.floor(k / 4) + 1, k],
  };
}

export async function spectrumStatistics(input: SnapshotInput): Promise<Stats> {
  const [, h, w] = input.shape;
  const n = h * w;
  const ep = await energySpectrum(input.pred.subarray(0, n), input.pred.subarray(n, 2 * n), h, w);
  const et = await energySpectrum(input.truth.subarray(0, n), input.truth.subarray(n, 2 * n), h, w);
  const out: Record<string, number> = {};
  for (const [band, [lo, hi]] of Object.entries(spectrumBands(h, w))) {
    let sum = 0;
    let count = 0;
    for (let k = lo; k <= hi; k++) {
      const t = et[k] as number;
      if (!(t > 0)) continue;
      const d = Math.log10(ep[k] as number) - Math.log10(t);
      sum += d * d;
      count++;
    }
    out[band] = count > 0 ? Math.sqrt(sum / count) : Number.NaN;
  }
  return out;
}

const SPECTRUM_STATISTICS: SnapshotStatistics = { id: "spectrum", compute: spectrumStatistics };

const lsd = (
  id: string,
  band: string,
  description: string,
  summary: SnapshotMetric["summary"] = [],
): SnapshotMetric => ({
  id,
  scope: "snapshot",
  statistics: SPECTRUM_STATISTICS,
  description,
  unit: "decades",
  better: "lower",
  modes: ["default"],
  summary,
  channels: VELOCITY_CHANNELS,
  requires: (options, shape) => needsUV(options, shape) ?? fftShapeProblem(shape[1], shape[2]),
  finalize: (s) => s[band] as number,
});

export const spectrumLsd = lsd(
  "spectrum_lsd",
  "all",
  "log-spectral distance of the energy spectra E(k) of u, v, 1 <= k <= K",
  ["default"],
);
export const spectrumLsdLow = lsd("spectrum_lsd_low", "low", "spectrum_lsd over 1 <= k <= K/16");
export const spectrumLsdMid = lsd("spectrum_lsd_mid", "mid", "spectrum_lsd over K/16 < k <= K/4");
export const spectrumLsdHigh = lsd("spectrum_lsd_high", "high", "spectrum_lsd over K/4 < k <= K");
