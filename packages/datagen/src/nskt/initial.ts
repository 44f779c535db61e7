import { createRng } from "@fieldbench/core";
import { INITIAL_MODE_BOX, keepsMode } from "./params.js";

/**
 * Initial vorticity spectrum after San & Staples (2012): E(k) = A k^4 exp(-(k/k0)^2) with
 * A = 4 k0^-5 / (3 sqrt(pi)), so the total energy integral of E(k) dk is 1/2; vorticity amplitude
 * |w(k)| = sqrt(k E(k) / pi), random phase per mode. The phases are drawn in a fixed order over the box
 * |kx|, |ky| <= INITIAL_MODE_BOX (independent of the grid), so a 4x coarser run starts from the same flow.
 * Returns the unnormalised DFT (f = (1/n^2) sum F e^{ik.x}) of the vorticity on an n x n grid, dealiased,
 * Hermitian (a real field) and rescaled so that the discrete kinetic energy is exactly 1/2.
 */
export function initialVorticity(n: number, k0: number, seed: number): { re: Float64Array; im: Float64Array } {
  const box = INITIAL_MODE_BOX;
  const side = 2 * box + 1;
  const phase = new Float64Array(side * side);
  const rng = createRng(seed);
  for (let a = 0; a < side * side; a++) phase[a] = 2 * Math.PI * rng.uniform();
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const amplitude = 4 / (3 * Math.sqrt(Math.PI) * k0 ** 5);
  const n2 = n * n;
  for (let kx = -box; kx <= box; kx++) {
    for (let ky = -box; ky <= box; ky++) {
      if (kx === 0 && ky === 0) continue;
      if (!keepsMode(kx, ky, n)) continue;
      // One phase per conjugate pair, taken from the representative in the upper half plane.
      const upper = ky > 0 || (ky === 0 && kx > 0);
      const rx = upper ? kx : -kx;
      const ry = upper ? ky : -ky;
      const theta = (upper ? 1 : -1) * phase[(rx + box) * side + (ry + box)];
      const k = Math.hypot(kx, ky);
      const energy = amplitude * k ** 4 * Math.exp(-((k / k0) ** 2));
      const magnitude = Math.sqrt((k * energy) / Math.PI) * n2;
      const o = ((kx + n) % n) * n + ((ky + n) % n);
      re[o] = magnitude * Math.cos(theta);
      im[o] = magnitude * Math.sin(theta);
    }
  }
  const scale = Math.sqrt(0.5 / spectralEnergy(re, im, n));
  for (let o = 0; o < n2; o++) {
    re[o] *= scale;
    im[o] *= scale;
  }
  return { re, im };
}

/** Kinetic energy 0.5 mean(u^2 + v^2) from the vorticity DFT: 0.5 / n^4 sum |W|^2 / |k|^2. */
export function spectralEnergy(re: Float64Array, im: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const kx = i < n / 2 ? i : i - n;
    for (let j = 0; j < n; j++) {
      const ky = j < n / 2 ? j : j - n;
      const k2 = kx * kx + ky * ky;
      if (k2 === 0) continue;
      const o = i * n + j;
      sum += (re[o] * re[o] + im[o] * im[o]) / k2;
    }
  }
  return (0.5 * sum) / (n * n) ** 2;
}

/** Enstrophy 0.5 mean(w^2) from the vorticity DFT. */
export function spectralEnstrophy(re: Float64Array, im: Float64Array, n: number): number {
  let sum = 0;
  for (let o = 0; o < n * n; o++) sum += re[o] * re[o] + im[o] * im[o];
  return (0.5 * sum) / (n * n) ** 2;
}
