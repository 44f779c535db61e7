import { type LayerMatrices, pooledEigenvalues } from "./esd.js";
import { type MarchenkoPastur, compareMarchenkoPastur } from "./marchenko-pastur.js";
import { type PowerLawFit, fitPowerLaw } from "./power-law.js";

/**
 * Eigenvalues below this fraction of lambda_max are numerically zero (rank loss) and stay out of the power-law fit:
 * the Gram matrix's rounding error is about 1e-16 lambda_max, and a zero would make ln(x / xmin) infinite.
 */
export const ZERO_EIGENVALUE_FRACTION = 1e-10;

/** WeightWatcher skips layers with fewer eigenvalues than this (its min_evals); a fit on fewer means little. */
export const MIN_EIGENVALUES = 50;

/** Heavy-tailed self-regularization metrics of one layer (Martin and Mahoney, JMLR 2021; Nat. Commun. 2021). */
export interface LayerSpectrum {
  /** N >= M: the long and short side of each slice. */
  readonly n: number;
  readonly m: number;
  readonly slices: number;
  readonly complex: boolean;
  readonly eigenvalueCount: number;
  /** Eigenvalues counted as zero (below ZERO_EIGENVALUE_FRACTION * lambda_max). */
  readonly rankLoss: number;
  /** Largest eigenvalue of W^T W: the squared spectral norm. */
  readonly lambdaMax: number;
  /** log10(lambda_max) (WeightWatcher's log_spectral_norm). */
  readonly logSpectralNorm: number;
  /** Sum of eigenvalues: the squared Frobenius norm; log10 of it (WeightWatcher's log_norm). */
  readonly logFrobeniusNorm: number;
  /** sum(lambda) / lambda_max = ||W||_F^2 / ||W||_2^2. */
  readonly stableRank: number;
  /** The power-law fit of the ESD's tail; null when there are fewer than MIN_EIGENVALUES eigenvalues. */
  readonly powerLaw: PowerLawFit | null;
  /** alpha * log10(lambda_max) (WeightWatcher's alpha_weighted, alpha-hat in Nat. Commun. 2021). */
  readonly alphaHat: number | null;
  readonly marchenkoPastur: MarchenkoPastur;
}

/** All metrics of one layer, with its sorted eigenvalues for plotting. */
export function analyzeLayer(layer: LayerMatrices): { spectrum: LayerSpectrum; eigenvalues: Float64Array } {
  const eigenvalues = pooledEigenvalues(layer);
  const n = Math.max(layer.rows, layer.cols);
  const m = Math.min(layer.rows, layer.cols);
  const lambdaMax = eigenvalues[eigenvalues.length - 1] ?? 0;
  let sum = 0;
  for (const x of eigenvalues) sum += x;
  const floor = lambdaMax * ZERO_EIGENVALUE_FRACTION;
  const firstPositive = eigenvalues.findIndex((x) => x > floor);
  const positive = firstPositive < 0 ? new Float64Array(0) : eigenvalues.subarray(firstPositive);
  const powerLaw = positive.length >= MIN_EIGENVALUES ? fitPowerLaw(positive) : null;
  const logSpectralNorm = Math.log10(lambdaMax);
  return {
    eigenvalues,
    spectrum: {
      n,
      m,
      slices: layer.slices,
      complex: layer.im !== undefined,
      eigenvalueCount: eigenvalues.length,
      rankLoss: eigenvalues.length - positive.length,
      lambdaMax,
      logSpectralNorm,
      logFrobeniusNorm: Math.log10(sum),
      stableRank: sum / lambdaMax,
      powerLaw,
      alphaHat: powerLaw === null ? null : powerLaw.alpha * logSpectralNorm,
      marchenkoPastur: compareMarchenkoPastur(eigenvalues, n, m, layer.slices),
    },
  };
}
