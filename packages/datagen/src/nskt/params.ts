import { FieldbenchError } from "@fieldbench/core";
import { isPowerOfTwo } from "../fft/complex-fft.js";

/**
 * Parameters of one decaying (optionally forced) 2-D Kraichnan turbulence run on [0, 2 pi]^2.
 *
 * Axis convention (matches SuperBench's divergence metric): a field is stored row-major [H, W] with
 * f[i * n + j] = f(x_i, y_j), x = 2 pi i / n along rows (axis -2), y = 2 pi j / n along columns (axis -1).
 * u = d psi / dy, v = -d psi / dx, w = dv/dx - du/dy = -lap(psi), so du/dx + dv/dy = 0.
 */
export interface NsktParams {
  /** Grid points per side (power of two, >= 16). */
  n: number;
  /** Reynolds number; viscosity nu = 1 / re. */
  re: number;
  /** Seed of the random initial vorticity phases. */
  seed: number;
  /** Peak wavenumber of the initial energy spectrum E(k) ~ k^4 exp(-(k/k0)^2) (San & Staples 2012). */
  k0: number;
  /** CFL number for the advective time step limit. */
  cfl: number;
  /** Fixed time step instead of the CFL rule (comparisons between backends use one). */
  dt?: number;
  /** Kolmogorov forcing u_x = amplitude sin(k y) with linear drag; absent for decaying turbulence. */
  forcing?: { k: number; amplitude: number; drag: number };
}

export const DEFAULT_K0 = 10;
export const DEFAULT_CFL = 0.5;
/** Initial modes are drawn on |kx|, |ky| <= this box whatever the grid, so coarse and fine runs share them. */
export const INITIAL_MODE_BOX = 64;

export function validateParams(p: NsktParams): NsktParams {
  if (!isPowerOfTwo(p.n) || p.n < 16 || p.n > 16384) {
    throw new FieldbenchError("INVALID_VALUE", `grid size ${p.n} must be a power of two from 16 to 16384`);
  }
  if (!(Number.isFinite(p.re) && p.re > 0)) throw new FieldbenchError("INVALID_VALUE", `Re must be > 0, got ${p.re}`);
  if (!(Number.isFinite(p.k0) && p.k0 > 0)) throw new FieldbenchError("INVALID_VALUE", `k0 must be > 0, got ${p.k0}`);
  if (!(Number.isFinite(p.cfl) && p.cfl > 0 && p.cfl <= 1.5)) {
    throw new FieldbenchError("INVALID_VALUE", `CFL number must be in (0, 1.5], got ${p.cfl}`);
  }
  if (p.dt !== undefined && !(Number.isFinite(p.dt) && p.dt > 0)) {
    throw new FieldbenchError("INVALID_VALUE", `time step must be > 0, got ${p.dt}`);
  }
  if (p.forcing !== undefined) {
    const f = p.forcing;
    if (!(Number.isSafeInteger(f.k) && f.k >= 1 && f.k < p.n / 3 && Number.isFinite(f.amplitude) && f.drag >= 0)) {
      throw new FieldbenchError("INVALID_VALUE", `forcing needs 1 <= k < n/3, a finite amplitude and drag >= 0`);
    }
  }
  if (!Number.isSafeInteger(p.seed))
    throw new FieldbenchError("INVALID_VALUE", `seed must be an integer, got ${p.seed}`);
  return p;
}

/** Signed wavenumber of FFT index i on an n-point grid (Nyquist counted as -n/2). */
export function wavenumber(i: number, n: number): number {
  return i < n / 2 ? i : i - n;
}

/** 2/3 rule: modes with |kx| or |ky| above n/3 are zeroed (square truncation). */
export function keepsMode(kx: number, ky: number, n: number): boolean {
  const cut = n / 3;
  return Math.abs(kx) < cut && Math.abs(ky) < cut;
}

/** Largest |k|^2 that survives dealiasing, for the viscous time-step limit. */
export function maxRetainedK2(n: number): number {
  const kmax = Math.ceil(n / 3) - 1;
  return 2 * kmax * kmax;
}
