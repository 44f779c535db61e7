export type { AggregateScore, Normalization, ScoreOptions, SnapshotScore } from "./score-types.js";
export {
  METRIC_MODES,
  VELOCITY_CHANNELS,
  isMetricMode,
  needsDataRange,
  needsUV,
  type ChannelInput,
  type ChannelMetric,
  type ChannelStatistics,
  type Metric,
  type MetricDescriptor,
  type MetricMode,
  type SnapshotInput,
  type SnapshotMetric,
  type SnapshotStatistics,
  type Stats,
} from "./metric.js";
export {
  findMetric,
  getMetric,
  higherIsBetter,
  listMetrics,
  metricNames,
  metricsForMode,
  orderMetrics,
  registerMetric,
} from "./registry.js";
export { PIXEL_STATISTICS } from "./pixel/statistics.js";
export { planScore, scoreSnapshot } from "./score.js";
export { aggregateScores } from "./aggregate.js";
export {
  applicableMetrics,
  scoreSources,
  type ScoreSourcesOptions,
  type SnapshotSource,
  type SourcesScore,
} from "./score-sources.js";
export { energySpectrum } from "./spectral/energy-spectrum.js";
export { spectrumBands } from "./spectral/spectrum-lsd.js";
export { divergenceMeanSquare } from "./physics/divergence.js";
export { vorticityFd, vorticitySpectral } from "./physics/vorticity.js";
export { ssimSums, gaussianWindow } from "./perceptual/ssim-kernel.js";
export { MS_SSIM_WEIGHTS } from "./perceptual/ms-ssim.js";
export { rfft2, irfft2, type HalfSpectrum } from "./fft.js";
