/**
 * Isotropic kinetic-energy spectrum from the vorticity DFT: E(k) = sum over the shell k - 1/2 <= |k| < k + 1/2 of
 * 0.5 |W|^2 / (|k|^2 n^4), so that sum_k E(k) is the kinetic energy 0.5 mean(u^2 + v^2). Index k = 0..n/2.
 */
export function energySpectrum(re: Float64Array, im: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n / 2 + 1);
  const { shell, weight } = shellTable(n);
  for (let o = 0; o < n * n; o++) {
    const w = weight[o]!;
    if (w !== 0) out[shell[o]!]! += w * (re[o]! * re[o]! + im[o]! * im[o]!);
  }
  return out;
}

/** Shell and 0.5 / (|k|^2 n^4) of every mode (0 for k = 0 and beyond n/2), kept for the last grid size: a release
 * takes one spectrum per snapshot, and the square roots were most of a 2048^2 spectrum's second. */
let table: { n: number; shell: Int32Array; weight: Float64Array } | undefined;
function shellTable(n: number): { shell: Int32Array; weight: Float64Array } {
  if (table?.n === n) return table;
  const shell = new Int32Array(n * n);
  const weight = new Float64Array(n * n);
  const norm = 0.5 / (n * n) ** 2;
  for (let i = 0; i < n; i++) {
    const kx = i < n / 2 ? i : i - n;
    for (let j = 0; j < n; j++) {
      const ky = j < n / 2 ? j : j - n;
      const k2 = kx * kx + ky * ky;
      const s = Math.round(Math.sqrt(k2));
      if (k2 === 0 || s > n / 2) continue;
      shell[i * n + j] = s;
      weight[i * n + j] = norm / k2;
    }
  }
  table = { n, shell, weight };
  return table;
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
