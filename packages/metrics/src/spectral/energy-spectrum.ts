import { rfft2 } from "../fft.js";

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
  for (const f of [u, v]) {
    const s = await rfft2(f, h, w);
    for (let r = 0; r < h; r++) {
      const kx = r <= h / 2 ? r : r - h;
      for (let c = 0; c < s.cols; c++) {
        // Columns 1 .. W/2-1 stand for themselves and their conjugate mirror.
        const weight = c === 0 || 2 * c === w ? 0.5 : 1;
        const o = r * s.cols + c;
        const re = s.re[o] as number;
        const im = s.im[o] as number;
        const shell = Math.round(Math.sqrt(kx * kx + c * c));
        spectrum[shell] = (spectrum[shell] as number) + weight * (re * re + im * im) * norm;
      }
    }
  }
  return spectrum;
}
