/** A power-law fit p(lambda) ~ lambda^-alpha of the tail lambda >= xmin of an ESD. */
export interface PowerLawFit {
  readonly alpha: number;
  readonly xmin: number;
  readonly xmax: number;
  /** Kolmogorov-Smirnov distance between the tail and the fitted power law (the quantity xmin minimises). */
  readonly ks: number;
  /** Standard error of alpha, (alpha - 1) / sqrt(n_tail). */
  readonly sigma: number;
  /** Eigenvalues in the tail (lambda >= xmin). */
  readonly tailCount: number;
}

/**
 * Continuous power-law maximum likelihood with xmin chosen by the Kolmogorov-Smirnov distance (Clauset, Shalizi and
 * Newman, SIAM Review 2009; the `powerlaw` package; WeightWatcher's WWFit, its default fitter since 0.7): for each
 * candidate xmin = x_i (every sorted value but the largest),
 *   alpha_i = 1 + n_i / sum_{j >= i} ln(x_j / x_i),  n_i = n - i,
 *   D_i = max_{j >= i} | 1 - (x_j / x_i)^(1 - alpha_i) - (j - i) / n_i |,
 * and the fit is the i with the smallest D_i (the first on ties). A candidate with alpha_i <= 1 gets D_i = 1.
 * `sorted` must be ascending and positive. O(n^2) in the worst case.
 */
export function fitPowerLaw(sorted: ArrayLike<number>): PowerLawFit {
  const n = sorted.length;
  if (n < 2) throw new RangeError(`a power-law fit needs at least 2 eigenvalues, got ${n}`);
  const logs = new Float64Array(n);
  for (let i = 0; i < n; i++) logs[i] = Math.log(sorted[i]!);
  // suffix sums of the logs, so each candidate's alpha is O(1)
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + logs[i]!;
  let best = { i: 0, alpha: Number.NaN, ks: Number.POSITIVE_INFINITY };
  for (let i = 0; i < n - 1; i++) {
    const count = n - i;
    const alpha = 1 + count / (suffix[i]! - count * logs[i]!);
    const ks = alpha > 1 ? ksDistance(logs, i, alpha, best.ks) : 1;
    if (ks < best.ks) best = { i, alpha, ks };
  }
  const tailCount = n - best.i;
  return {
    alpha: best.alpha,
    xmin: sorted[best.i]!,
    xmax: sorted[n - 1]!,
    ks: best.ks,
    sigma: (best.alpha - 1) / Math.sqrt(tailCount),
    tailCount,
  };
}

/**
 * D for the tail starting at index i: the fitted CDF 1 - (x/xmin)^(1-alpha) against the empirical (j - i) / n_i.
 * Stops once D reaches `stopAt` (the best so far): the maximum can only grow, and such a candidate cannot win, so
 * the chosen fit is the same as the full scan's, about ten times sooner.
 */
function ksDistance(logs: Float64Array, i: number, alpha: number, stopAt: number): number {
  const count = logs.length - i;
  const base = logs[i]!;
  let d = 0;
  for (let j = i; j < logs.length; j++) {
    const fitted = 1 - Math.exp((1 - alpha) * (logs[j]! - base));
    const gap = Math.abs(fitted - (j - i) / count);
    if (gap > d) {
      d = gap;
      if (d >= stopAt) return d;
    }
  }
  return d;
}
