import { checkAllocation } from "@fieldbench/core";
import { createComplexFft2d } from "../fft/complex-fft.js";
import { initialVorticity, spectralEnergy, spectralEnstrophy } from "./initial.js";
import { type NsktParams, keepsMode, maxRetainedK2, validateParams, wavenumber } from "./params.js";
import type { NsktSnapshot, NsktSolver, StepInfo } from "./solver.js";

/**
 * Float64 pseudo-spectral solver on the CPU. State: the unnormalised 2-D DFT of the vorticity (full complex
 * n x n, dealiased). One right-hand side costs three complex 2-D FFTs, thanks to packing two real fields in one
 * complex transform: ifft((kx + i ky) psi) = u + i v and ifft((i kx - ky) w) = w_x + i w_y.
 * Time stepping: SSP-RK3 (Shu & Osher), dt = min(cfl dx / max(|u| + |v|), 2 / (nu kmax^2), time to target).
 */
export function createCpuSolver(input: NsktParams, initial?: { re: Float64Array; im: Float64Array }): NsktSolver {
  const p = validateParams(input);
  const n = p.n;
  const n2 = n * n;
  checkAllocation(n2 * 12, 8, `NSKT CPU solver state for ${n}x${n}`);
  const fft = createComplexFft2d(n);
  const nu = 1 / p.re;
  const kx = new Float64Array(n2);
  const ky = new Float64Array(n2);
  const inverseK2 = new Float64Array(n2);
  const keep = new Uint8Array(n2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const o = i * n + j;
      kx[o] = wavenumber(i, n);
      ky[o] = wavenumber(j, n);
      const k2 = kx[o] * kx[o] + ky[o] * ky[o];
      inverseK2[o] = k2 === 0 ? 0 : 1 / k2;
      keep[o] = keepsMode(kx[o], ky[o], n) && k2 !== 0 ? 1 : 0;
    }
  }
  const forcingRe = new Float64Array(n2);
  if (p.forcing !== undefined) {
    // u = A sin(k y) gives w = -du/dy = -A k cos(k y): DFT value -A k n^2 / 2 at (0, +-k).
    const f = p.forcing;
    forcingRe[f.k % n] = (-f.amplitude * f.k * n2) / 2;
    forcingRe[(n - f.k) % n] = (-f.amplitude * f.k * n2) / 2;
  }
  const drag = p.forcing?.drag ?? 0;
  const start = initial ?? initialVorticity(n, p.k0, p.seed);
  const wRe = Float64Array.from(start.re);
  const wIm = Float64Array.from(start.im);
  for (let o = 0; o < n2; o++) {
    if (!keep[o]) {
      wRe[o] = 0;
      wIm[o] = 0;
    }
  }
  const sRe = new Float64Array(n2);
  const sIm = new Float64Array(n2);
  const rRe = new Float64Array(n2);
  const rIm = new Float64Array(n2);
  const aRe = new Float64Array(n2);
  const aIm = new Float64Array(n2);
  const bRe = new Float64Array(n2);
  const bIm = new Float64Array(n2);
  const dx = (2 * Math.PI) / n;
  const dtViscous = 2 / ((nu + 1e-300) * maxRetainedK2(n));

  /** Fills (rRe, rIm) with d w_hat / dt at state (xRe, xIm); returns max(|u| + |v|) over the grid. */
  const rhs = (xRe: Float64Array, xIm: Float64Array): number => {
    for (let o = 0; o < n2; o++) {
      const pr = xRe[o] * inverseK2[o];
      const pi = xIm[o] * inverseK2[o];
      aRe[o] = kx[o] * pr - ky[o] * pi;
      aIm[o] = kx[o] * pi + ky[o] * pr;
      bRe[o] = -kx[o] * xIm[o] - ky[o] * xRe[o];
      bIm[o] = kx[o] * xRe[o] - ky[o] * xIm[o];
    }
    fft.inverse(aRe, aIm);
    fft.inverse(bRe, bIm);
    let speed = 0;
    for (let o = 0; o < n2; o++) {
      const s = Math.abs(aRe[o]) + Math.abs(aIm[o]);
      if (s > speed) speed = s;
      bRe[o] = aRe[o] * bRe[o] + aIm[o] * bIm[o];
      bIm[o] = 0;
    }
    fft.forward(bRe, bIm);
    for (let o = 0; o < n2; o++) {
      if (!keep[o]) {
        rRe[o] = 0;
        rIm[o] = 0;
        continue;
      }
      const damp = nu * (kx[o] * kx[o] + ky[o] * ky[o]) + drag;
      rRe[o] = -bRe[o] - damp * xRe[o] + forcingRe[o];
      rIm[o] = -bIm[o] - damp * xIm[o];
    }
    return speed;
  };

  let time = 0;
  let steps = 0;
  const chooseDt = (speed: number, remaining: number): number => {
    const advective = speed > 0 ? (p.cfl * dx) / speed : Number.POSITIVE_INFINITY;
    const dt = p.dt ?? Math.min(advective, dtViscous);
    return Math.min(dt, remaining);
  };

  const step = (maxDt = Number.POSITIVE_INFINITY): StepInfo => {
    const speed = rhs(wRe, wIm);
    const dt = chooseDt(speed, maxDt);
    for (let o = 0; o < n2; o++) {
      sRe[o] = wRe[o] + dt * rRe[o];
      sIm[o] = wIm[o] + dt * rIm[o];
    }
    rhs(sRe, sIm);
    for (let o = 0; o < n2; o++) {
      sRe[o] = 0.75 * wRe[o] + 0.25 * (sRe[o] + dt * rRe[o]);
      sIm[o] = 0.75 * wIm[o] + 0.25 * (sIm[o] + dt * rIm[o]);
    }
    rhs(sRe, sIm);
    for (let o = 0; o < n2; o++) {
      wRe[o] = wRe[o] / 3 + (2 / 3) * (sRe[o] + dt * rRe[o]);
      wIm[o] = wIm[o] / 3 + (2 / 3) * (sIm[o] + dt * rIm[o]);
    }
    time += dt;
    steps++;
    return { dt, time, speed };
  };

  const snapshot = (): NsktSnapshot => {
    for (let o = 0; o < n2; o++) {
      const pr = wRe[o] * inverseK2[o];
      const pi = wIm[o] * inverseK2[o];
      aRe[o] = kx[o] * pr - ky[o] * pi;
      aIm[o] = kx[o] * pi + ky[o] * pr;
      bRe[o] = wRe[o];
      bIm[o] = wIm[o];
    }
    fft.inverse(aRe, aIm);
    fft.inverse(bRe, bIm);
    return { time, u: Float64Array.from(aRe), v: Float64Array.from(aIm), w: Float64Array.from(bRe) };
  };

  return {
    backend: "cpu",
    n,
    get time() {
      return time;
    },
    get steps() {
      return steps;
    },
    step: async (maxDt) => step(maxDt),
    advanceTo: async (target, onStep) => {
      while (time < target - 1e-12 * Math.max(1, target)) {
        const info = step(target - time);
        onStep?.(info);
      }
      time = Math.max(time, target);
    },
    snapshot: async () => snapshot(),
    energy: async () => spectralEnergy(wRe, wIm, n),
    enstrophy: async () => spectralEnstrophy(wRe, wIm, n),
    spectrum: async () => ({ re: Float64Array.from(wRe), im: Float64Array.from(wIm) }),
    dispose: () => {},
  };
}
