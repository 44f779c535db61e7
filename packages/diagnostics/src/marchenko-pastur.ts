/**
 * The Marchenko-Pastur law for the eigenvalues of W^T W, W an N x M matrix (N >= M) of i.i.d. entries of variance
 * sigma^2 (Marchenko and Pastur 1967; Martin and Mahoney, JMLR 2021, section 3): as N, M grow with Q = N / M fixed,
 * the ESD tends to the density
 *   p(lambda) = sqrt((lambda+ - lambda)(lambda - lambda-)) / (2 pi sigma^2 M lambda),
 *   lambda+- = sigma^2 (sqrt(N) +- sqrt(M))^2,
 * on [lambda-, lambda+] (our eigenvalues are not divided by N, hence the sqrt(N) in the edges). A layer that learned
 * nothing looks like this; eigenvalues above lambda+ are the "spikes" of learned correlations.
 */
export interface MarchenkoPastur {
  /** Entry variance, estimated as ||W||_F^2 / (slices N M) (the mean eigenvalue divided by N). */
  readonly sigma2: number;
  readonly lambdaMinus: number;
  readonly lambdaPlus: number;
  /** Eigenvalues above lambda+. */
  readonly spikes: number;
  /** Kolmogorov-Smirnov distance between the ESD and the MP law with this sigma^2. */
  readonly ks: number;
}

export function marchenkoPasturEdges(
  sigma2: number,
  n: number,
  m: number,
): { lambdaMinus: number; lambdaPlus: number } {
  return {
    lambdaMinus: sigma2 * (Math.sqrt(n) - Math.sqrt(m)) ** 2,
    lambdaPlus: sigma2 * (Math.sqrt(n) + Math.sqrt(m)) ** 2,
  };
}

/**
 * The MP CDF at x, by integrating the density in theta where lambda = lambda- + (lambda+ - lambda-)(1 - cos theta) / 2:
 * the square-root edges become sin(theta) factors and the integrand is smooth (also at lambda- = 0, N = M).
 */
export function marchenkoPasturCdf(x: number, sigma2: number, n: number, m: number, steps = 2000): number {
  const { lambdaMinus: lo, lambdaPlus: hi } = marchenkoPasturEdges(sigma2, n, m);
  if (x <= lo) return 0;
  if (x >= hi) return 1;
  const half = (hi - lo) / 2;
  const thetaX = Math.acos(1 - (x - lo) / half);
  const integrand = (theta: number): number => {
    const lambda = lo + half * (1 - Math.cos(theta));
    const s = Math.sin(theta);
    // density * dlambda/dtheta; at lambda = 0 (theta = 0 when N = M) sin^2 / lambda tends to 2 / half
    if (lambda === 0) return half / (Math.PI * sigma2 * m);
    return (half * half * s * s) / (2 * Math.PI * sigma2 * m * lambda);
  };
  // Simpson's rule on [0, thetaX]
  const k = steps % 2 === 0 ? steps : steps + 1;
  const h = thetaX / k;
  let sum = integrand(0) + integrand(thetaX);
  for (let i = 1; i < k; i++) sum += (i % 2 === 1 ? 4 : 2) * integrand(i * h);
  return Math.min(1, (sum * h) / 3);
}

/** Compares a pooled ESD of `slices` N x M matrices with the MP law of the same entry variance. */
export function compareMarchenkoPastur(
  sorted: ArrayLike<number>,
  n: number,
  m: number,
  slices: number,
): MarchenkoPastur {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const sigma2 = sum / (slices * n * m);
  const { lambdaMinus, lambdaPlus } = marchenkoPasturEdges(sigma2, n, m);
  let spikes = 0;
  let ks = 0;
  const count = sorted.length;
  const cdf = cdfTable(sigma2, n, m);
  for (let i = 0; i < count; i++) {
    const x = sorted[i]!;
    if (x > lambdaPlus) spikes++;
    const f = cdf(x);
    // the empirical CDF jumps from i/count to (i+1)/count at x
    ks = Math.max(ks, Math.abs(f - i / count), Math.abs(f - (i + 1) / count));
  }
  return { sigma2, lambdaMinus, lambdaPlus, spikes, ks };
}

/**
 * The MP CDF on 4096 points of [lambda-, lambda+], linearly interpolated: the pooled ESD of an FNO layer has 18k
 * eigenvalues, and one integral each would dominate the run. The interpolation error (below 1e-5) is far under the
 * ESD's own sampling noise, 1 / sqrt(count).
 */
function cdfTable(sigma2: number, n: number, m: number): (x: number) => number {
  const { lambdaMinus: lo, lambdaPlus: hi } = marchenkoPasturEdges(sigma2, n, m);
  const points = 4096;
  const step = (hi - lo) / points;
  const table = Float64Array.from({ length: points + 1 }, (_, i) =>
    i === 0 ? 0 : i === points ? 1 : marchenkoPasturCdf(lo + i * step, sigma2, n, m, 200),
  );
  return (x) => {
    if (x <= lo) return 0;
    if (x >= hi) return 1;
    const t = (x - lo) / step;
    const i = Math.min(points - 1, Math.floor(t));
    return table[i]! + (t - i) * (table[i + 1]! - table[i]!);
  };
}
