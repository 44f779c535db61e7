export type { AggregateScore, Normalization, ScoreOptions, SnapshotScore } from "./score-types.js";
export type { ChannelMetric, Metric, SnapshotMetric, Stats } from "./metric.js";
export { METRICS, METRIC_NAMES, getMetric } from "./registry.js";
export { planScore, scoreSnapshot } from "./score.js";
export { aggregateScores } from "./aggregate.js";
export {
  applicableMetrics,
  scoreSources,
  type ScoreSourcesOptions,
  type SnapshotSource,
  type SourcesScore,
} from "./score-sources.js";
export { DATASET_CONSTANTS, datasetConstants, era5Latitudes, type DatasetConstants } from "./datasets.js";
export { energySpectrum } from "./spectral/energy-spectrum.js";
export { spectrumBands } from "./spectral/spectrum-lsd.js";
export { divergenceMeanSquare } from "./physics/divergence.js";
export { vorticityFd, vorticitySpectral } from "./physics/vorticity.js";
export { ssimSums, gaussianWindow } from "./perceptual/ssim-kernel.js";
export { MS_SSIM_WEIGHTS } from "./perceptual/ms-ssim.js";
export { rfft2, irfft2, type HalfSpectrum } from "./fft.js";
