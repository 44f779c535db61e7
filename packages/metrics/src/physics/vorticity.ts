import { irfft2, rfft2 } from "../fft.js";
import { ddxPeriodic, ddyPeriodic } from "./derivatives.js";

/**
 * Vorticity w = dv/dx - du/dy of (u, v), x along rows (first axis) and y along columns, as in SuperBench's
 * divergence. Both variants assume a periodic domain of spacing h (default 2 pi / W):
 * - finite-difference: the 4th-order central stencil with wrap-around;
 * - spectral: w = irfft2(i kx v^ - i ky u^), wavenumbers 2 pi fftfreq(N, h) (Nyquist modes zeroed, as is usual
 *   for an odd derivative).
 */
export function vorticityFd(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  h: number,
  w: number,
  spacing: number,
): Float64Array {
  const dvdx = ddxPeriodic(v, h, w, spacing);
  const dudy = ddyPeriodic(u, h, w, spacing);
  for (let i = 0; i < dvdx.length; i++) dvdx[i] = (dvdx[i] as number) - (dudy[i] as number);
  return dvdx;
}

/** Row i of the finite-difference vorticity (same stencil and wrap as vorticityFd), written into `out`. */
export function vorticityFdRow(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  h: number,
  w: number,
  spacing: number,
  i: number,
  out: Float64Array,
): void {
  const inv = 1 / (12 * spacing);
  const m2 = ((i - 2 + h) % h) * w;
  const m1 = ((i - 1 + h) % h) * w;
  const p1 = ((i + 1) % h) * w;
  const p2 = ((i + 2) % h) * w;
  const o = i * w;
  const wrap = (j: number): number => (j + w) % w;
  for (let j = 2; j < w - 2; j++) {
    const dvdx = (v[m2 + j] as number) - 8 * (v[m1 + j] as number) + 8 * (v[p1 + j] as number) - (v[p2 + j] as number);
    const dudy =
      (u[o + j - 2] as number) - 8 * (u[o + j - 1] as number) + 8 * (u[o + j + 1] as number) - (u[o + j + 2] as number);
    out[j] = (dvdx - dudy) * inv;
  }
  for (const j of new Set([0, 1, w - 2, w - 1])) {
    if (j < 0 || j >= w) continue;
    const dvdx = (v[m2 + j] as number) - 8 * (v[m1 + j] as number) + 8 * (v[p1 + j] as number) - (v[p2 + j] as number);
    const dudy =
      (u[o + wrap(j - 2)] as number) -
      8 * (u[o + wrap(j - 1)] as number) +
      8 * (u[o + wrap(j + 1)] as number) -
      (u[o + wrap(j + 2)] as number);
    out[j] = (dvdx - dudy) * inv;
  }
}

function wavenumber(index: number, n: number, spacing: number): number {
  if (2 * index === n) return 0;
  const f = index < n / 2 ? index : index - n;
  return (2 * Math.PI * f) / (n * spacing);
}

export async function vorticitySpectral(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  h: number,
  w: number,
  spacing: number,
): Promise<Float64Array> {
  const us = await rfft2(u, h, w);
  const vs = await rfft2(v, h, w);
  const re = new Float64Array(us.re.length);
  const im = new Float64Array(us.re.length);
  for (let r = 0; r < h; r++) {
    const kx = wavenumber(r, h, spacing);
    for (let c = 0; c < us.cols; c++) {
      const ky = wavenumber(c, w, spacing);
      const o = r * us.cols + c;
      // i kx v^ - i ky u^ : i (a + ib) = -b + ia
      re[o] = -kx * (vs.im[o] as number) + ky * (us.im[o] as number);
      im[o] = kx * (vs.re[o] as number) - ky * (us.re[o] as number);
    }
  }
  return irfft2({ h, w, cols: us.cols, re, im });
}
