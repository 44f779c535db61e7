import { describe, expect, it } from "vitest";
import { createRealFft2d } from "./real-fft-2d.js";

/** Naive 2-D DFT of a real [h, w] array, half spectrum [h, w/2 + 1] (the numpy.fft.rfft2 layout). */
function naiveRfft2(x: Float32Array, h: number, w: number): Float64Array {
  const half = w / 2 + 1;
  const out = new Float64Array(h * half * 2);
  for (let ky = 0; ky < h; ky++) {
    for (let kx = 0; kx < half; kx++) {
      let re = 0;
      let im = 0;
      for (let r = 0; r < h; r++) {
        for (let c = 0; c < w; c++) {
          const a = -2 * Math.PI * ((ky * r) / h + (kx * c) / w);
          re += x[r * w + c] * Math.cos(a);
          im += x[r * w + c] * Math.sin(a);
        }
      }
      out[(ky * half + kx) * 2] = re;
      out[(ky * half + kx) * 2 + 1] = im;
    }
  }
  return out;
}

describe("pffft-wasm real 2-D FFT wrapper", () => {
  it.each([
    [16, 32],
    [32, 32],
    [32, 64],
  ])("matches a naive DFT on %i x %i", async (h, w) => {
    const x = new Float32Array(h * w);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(0.37 * i) + 0.5 * Math.cos(0.011 * i * i);
    const fft = await createRealFft2d(h, w);
    const got = fft.forward(x);
    fft.dispose();
    const want = naiveRfft2(x, h, w);
    let maxErr = 0;
    let maxRef = 0;
    for (let i = 0; i < want.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
      maxRef = Math.max(maxRef, Math.abs(want[i]));
    }
    expect(maxErr / maxRef).toBeLessThan(2e-6); // float32 round-off
  });

  it("puts a single plane wave in one bin", async () => {
    // cos(2 pi (2 r / 16 + 3 c / 32)) -> h w / 2 = 256 at (ky, kx) = (2, 3); its conjugate partner (-2, -3) is in
    // the other half of the spectrum, so (14, 3) stays 0.
    const h = 16;
    const w = 32;
    const x = new Float32Array(h * w);
    for (let r = 0; r < h; r++)
      for (let c = 0; c < w; c++) x[r * w + c] = Math.cos(2 * Math.PI * ((2 * r) / h + (3 * c) / w));
    const fft = await createRealFft2d(h, w);
    const got = fft.forward(x);
    fft.dispose();
    const half = w / 2 + 1;
    expect(got[(2 * half + 3) * 2]).toBeCloseTo(256, 3);
    expect(Math.abs(got[(14 * half + 3) * 2])).toBeLessThan(1e-3);
  });

  it("refuses sizes pffft cannot do", async () => {
    await expect(createRealFft2d(16, 16)).rejects.toThrow(/width 16/);
    await expect(createRealFft2d(24, 32)).rejects.toThrow(/height 24/);
  });
});
