import { withHalfSpectrum } from "../fft.js";

/**
 * Isotropic energy spectrum of (u, v) on an H x W grid: E(k) = 1/2 (E_u(k) + E_v(k)), E_f(k) = sum over the shell
 * round(sqrt(kx^2 + ky^2)) = k of |fft2(f) / (H W)|^2, with integer (index) wavenumbers kx in fftfreq(H) * H and
 * ky in fftfreq(W) * W. Parseval: sum_k E(k) = 0.5 mean(u^2 + v^2), the kinetic energy per pixel.
 * Unlike SuperBench's figure it is one snapshot (not the time-mean field) and uses channels 0, 1 as u, v.
 * Returns E(0..kmax) with kmax = round(sqrt((H/2)^2 + (W/2)^2)).
 */
export async function energySpectrum(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  h: number,
  w: number,
): Promise<Float64Array> {
  const kmax = Math.round(Math.hypot(h / 2, w / 2));
  const spectrum = new Float64Array(kmax + 1);
  const norm = 1 / (h * w) ** 2;
  // Shell of each (row, column) of the half-plane, in the column-major order withHalfSpectrum leaves it in.
  const cols = w / 2 + 1;
  const shells = new Int32Array(cols * h);
  for (let k = 0; k < cols; k++) {
    for (let r = 0; r < h; r++) {
      const kx = r <= h / 2 ? r : r - h;
      shells[k * h + r] = Math.round(Math.sqrt(kx * kx + k * k));
    }
  }
  for (const f of [u, v]) {
    await withHalfSpectrum(f, h, w, (heap, base) => {
      for (let k = 0; k < cols; k++) {
        // Columns 1 .. W/2-1 stand for themselves and their conjugate mirror; E carries the factor 1/2 of 0.5(E_u + E_v).
        const weight = (k === 0 || k === cols - 1 ? 0.5 : 1) * norm;
        const o = base + 2 * k * h;
        for (let r = 0; r < h; r++) {
          const re = heap[o + 2 * r] as number;
          const im = heap[o + 2 * r + 1] as number;
          const shell = shells[k * h + r] as number;
          spectrum[shell] = (spectrum[shell] as number) + weight * (re * re + im * im);
        }
      }
    });
  }
  return spectrum;
}
