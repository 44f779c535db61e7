export { createRealFft2d, type RealFft2d } from "./fft/real-fft-2d.js";
export {
  createComplexFft,
  createComplexFft2d,
  isPowerOfTwo,
  type ComplexFft,
  type ComplexFft2d,
} from "./fft/complex-fft.js";
export {
  DEFAULT_CFL,
  DEFAULT_K0,
  INITIAL_MODE_BOX,
  NSKT_CALIBRATION,
  keepsMode,
  validateParams,
  wavenumber,
  type NsktParams,
} from "./nskt/params.js";
export { initialVorticity, spectralEnergy, spectralEnstrophy } from "./nskt/initial.js";
export {
  NSKT_BACKENDS,
  createBatchSolver,
  createSolver,
  type BatchProgress,
  type NsktBatchSolver,
  type NsktBackendName,
  type NsktSnapshot,
  type NsktSolver,
  type StepInfo,
} from "./nskt/solver.js";
export { createCpuSolver } from "./nskt/solver-cpu.js";
export { MIN_SNAPSHOTS, SPLITS, assignSplits, type SplitName } from "./nskt/splits.js";
export {
  DEFAULT_INTERVAL,
  DEFAULT_T_START,
  GENERATOR_VERSION,
  generateNskt,
  type GenerateNsktOptions,
  type GeneratedFile,
  type NsktCard,
} from "./nskt/generate.js";
export { energySpectrum, spectrumSlope } from "./nskt/spectrum.js";
export {
  CHANNELS,
  addStatistics,
  finalizeStatistics,
  packSnapshot,
  runTrajectory,
  valueSha256,
  stepProgress,
  type GenerationProgress,
  type SplitStatistics,
  type TrajectoryFile,
  type TrajectoryRecord,
  type TrajectoryStep,
} from "./nskt/trajectory.js";
export { cardDataset, datasetValueChecksum, type CardDataset, type ValueChecksummed } from "./nskt/card.js";
export {
  GROUP_SEED_BASE,
  RELEASES,
  RELEASE_SEED_END,
  RELEASE_SIZES,
  countSplits,
  getRelease,
  planRelease,
  planTrajectory,
  shardPlan,
  snapshotTime,
  windowsFrom,
  type NsktRelease,
  type NsktReleaseParams,
  type PlannedSnapshot,
  type PlannedTrajectory,
  type ReleaseSize,
  type Shard,
  type TrajectoryCounts,
  type TrajectoryGroup,
} from "./nskt/release.js";
export {
  generateHeldOut,
  generateRelease,
  mergeRelease,
  type GenerateReleaseOptions,
  type ReleaseCard,
  type ReleaseOverrides,
  type ShardManifest,
} from "./nskt/release-generate.js";
