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
