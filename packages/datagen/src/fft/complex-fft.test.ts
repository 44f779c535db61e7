import { describe, expect, it } from "vitest";
import { createComplexFft, createComplexFft2d } from "./complex-fft.js";

/** The O(n^2) definition, X_k = sum_j x_j exp(-2 pi i j k / n): the independent reference. */
function naiveDft(re: number[], im: number[]): { re: number[]; im: number[] } {
  const n = re.length;
  const outRe: number[] = [];
  const outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * j * k) / n;
      sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
    outRe.push(sr);
    outIm.push(si);
  }
  return { re: outRe, im: outIm };
}

describe("complex FFT (float64)", () => {
  it("matches a naive DFT for n = 1..64", () => {
    for (const n of [1, 2, 4, 8, 16, 32, 64]) {
      const re = Array.from({ length: n }, (_, i) => Math.sin(1.3 * i) + 0.1 * i);
      const im = Array.from({ length: n }, (_, i) => Math.cos(0.7 * i * i));
      const want = naiveDft(re, im);
      const r = Float64Array.from(re);
      const m = Float64Array.from(im);
      createComplexFft(n).transform(r, m, false);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(r[k] - want.re[k])).toBeLessThan(1e-11 * n);
        expect(Math.abs(m[k] - want.im[k])).toBeLessThan(1e-11 * n);
      }
      createComplexFft(n).transform(r, m, true);
      for (let k = 0; k < n; k++) expect(Math.abs(r[k] - re[k]) + Math.abs(m[k] - im[k])).toBeLessThan(1e-13 * n);
    }
  });

  it("2-D transform of a single plane wave puts n^2 in one bin", () => {
    // f(i, j) = exp(2 pi i (3 i + 5 j) / 16) -> F[3, 5] = 256, all else 0 (worked by hand).
    const n = 16;
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        re[i * n + j] = Math.cos((2 * Math.PI * (3 * i + 5 * j)) / n);
        im[i * n + j] = Math.sin((2 * Math.PI * (3 * i + 5 * j)) / n);
      }
    createComplexFft2d(n).forward(re, im);
    for (let o = 0; o < n * n; o++) {
      expect(Math.abs(re[o] - (o === 3 * n + 5 ? 256 : 0))).toBeLessThan(1e-11);
      expect(Math.abs(im[o])).toBeLessThan(1e-11);
    }
  });

  it("refuses a length that is not a power of two", () => {
    expect(() => createComplexFft(12)).toThrow(/power of two/);
  });
});
