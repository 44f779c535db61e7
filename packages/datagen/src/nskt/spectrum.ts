/**
 * Isotropic kinetic-energy spectrum from the vorticity DFT: E(k) = sum over the shell k - 1/2 <= |k| < k + 1/2 of
 * 0.5 |W|^2 / (|k|^2 n^4), so that sum_k E(k) is the kinetic energy 0.5 mean(u^2 + v^2). Index k = 0..n/2.
 */
export function energySpectrum(re: Float64Array, im: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n / 2 + 1);
  const norm = 0.5 / (n * n) ** 2;
  for (let i = 0; i < n; i++) {
    const kx = i < n / 2 ? i : i - n;
    for (let j = 0; j < n; j++) {
      const ky = j < n / 2 ? j : j - n;
      const k2 = kx * kx + ky * ky;
      if (k2 === 0) continue;
      const shell = Math.round(Math.sqrt(k2));
      if (shell > n / 2) continue;
      const o = i * n + j;
      out[shell] += (norm * (re[o] * re[o] + im[o] * im[o])) / k2;
    }
  }
  return out;
}

/** Least-squares slope of log E against log k over shells kMin..kMax (inclusive). */
export function spectrumSlope(spectrum: ArrayLike<number>, kMin: number, kMax: number): number {
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let m = 0;
  for (let k = kMin; k <= kMax; k++) {
    if (!(spectrum[k] > 0)) continue;
    const x = Math.log(k);
    const y = Math.log(spectrum[k]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    m++;
  }
  return (m * sxy - sx * sy) / (m * sxx - sx * sx);
}
