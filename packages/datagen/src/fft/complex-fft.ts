import { FieldbenchError } from "@fieldbench/core";

/**
 * In-place complex FFT of one power-of-two length in float64 (iterative radix-2, precomputed twiddles and
 * bit-reversal table). The solver's CPU backend needs float64 for round-off-level invariants (divergence,
 * Taylor-Green decay); pffft-wasm is float32 only, so it serves spectra and speed, not the solver.
 * Unnormalised forward (sign -1); `inverse` uses sign +1 and divides by n.
 */
export interface ComplexFft {
  readonly n: number;
  transform(re: Float64Array, im: Float64Array, inverse: boolean): void;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

export function createComplexFft(n: number): ComplexFft {
  if (!isPowerOfTwo(n) || n > 1 << 24) {
    throw new FieldbenchError("INVALID_VALUE", `FFT length ${n} is not a power of two up to 2^24`);
  }
  const bits = Math.log2(n);
  const reverse = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
    reverse[i] = r;
  }
  // cos/sin of -2 pi k / n for k < n/2, computed directly (no recurrence) to keep round-off at 1 ulp.
  const half = n >> 1;
  const cos = new Float64Array(Math.max(half, 1));
  const sin = new Float64Array(Math.max(half, 1));
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  const transform = (re: Float64Array, im: Float64Array, inverse: boolean): void => {
    for (let i = 0; i < n; i++) {
      const j = reverse[i];
      if (j > i) {
        const tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        const ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
    const s = inverse ? -1 : 1;
    for (let size = 2; size <= n; size <<= 1) {
      const h = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0, t = 0; k < h; k++, t += step) {
          const wr = cos[t];
          const wi = s * sin[t];
          const a = start + k;
          const b = a + h;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
    if (inverse) {
      const scale = 1 / n;
      for (let i = 0; i < n; i++) {
        re[i] *= scale;
        im[i] *= scale;
      }
    }
  };
  return { n, transform };
}

/**
 * 2-D complex FFT of an n x n row-major array, in place: every row, then every column.
 * Inverse divides by n^2 in total.
 */
export interface ComplexFft2d {
  readonly n: number;
  forward(re: Float64Array, im: Float64Array): void;
  inverse(re: Float64Array, im: Float64Array): void;
}

export function createComplexFft2d(n: number): ComplexFft2d {
  const fft = createComplexFft(n);
  // Columns go through a scratch block of B contiguous lines: gathering B neighbouring columns reads whole cache
  // lines instead of one double per row, which made the column pass about as fast as the row pass.
  const block = Math.min(8, n);
  const colRe = new Float64Array(block * n);
  const colIm = new Float64Array(block * n);
  const run = (re: Float64Array, im: Float64Array, inverse: boolean): void => {
    if (re.length !== n * n || im.length !== n * n) {
      throw new FieldbenchError("SHAPE_MISMATCH", `2-D FFT of ${n}x${n} got arrays of ${re.length} and ${im.length}`);
    }
    for (let r = 0; r < n; r++) fft.transform(re.subarray(r * n, r * n + n), im.subarray(r * n, r * n + n), inverse);
    for (let c0 = 0; c0 < n; c0 += block) {
      for (let r = 0; r < n; r++) {
        const o = r * n + c0;
        for (let b = 0; b < block; b++) {
          colRe[b * n + r] = re[o + b];
          colIm[b * n + r] = im[o + b];
        }
      }
      for (let b = 0; b < block; b++) {
        fft.transform(colRe.subarray(b * n, b * n + n), colIm.subarray(b * n, b * n + n), inverse);
      }
      for (let r = 0; r < n; r++) {
        const o = r * n + c0;
        for (let b = 0; b < block; b++) {
          re[o + b] = colRe[b * n + r];
          im[o + b] = colIm[b * n + r];
        }
      }
    }
  };
  return { n, forward: (re, im) => run(re, im, false), inverse: (re, im) => run(re, im, true) };
}
