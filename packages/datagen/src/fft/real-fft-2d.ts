import { FieldbenchError } from "@fieldbench/core";

/**
 * Float32 real 2-D FFT on pffft-wasm (SIMD build): rows by the real transform, then the w/2 + 1 complex columns.
 * Output as numpy.fft.rfft2 lays it out: [h, w/2 + 1] complex, interleaved (re, im), unnormalised, e^{-i k.x}.
 * Sizes: w = 2^a with a >= 5 (pffft's real-transform minimum), h = 2^b with b >= 4 (its complex minimum).
 * For spectra and diagnostics; the solver itself uses the float64 transform in complex-fft.ts.
 */
export interface RealFft2d {
  readonly h: number;
  readonly w: number;
  forward(input: Float32Array): Float32Array;
  dispose(): void;
}

interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, type: number): number;
  _pffft_destroy_setup(setup: number): void;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_aligned_free(ptr: number): void;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
}

const REAL = 0;
const COMPLEX = 1;
const FORWARD = 0;

let modulePromise: Promise<PffftModule> | undefined;
function loadPffft(): Promise<PffftModule> {
  if (modulePromise === undefined) {
    modulePromise = import("@echogarden/pffft-wasm/simd").then((m) => m.default() as Promise<PffftModule>);
  }
  return modulePromise;
}

function checkSize(n: number, minLog2: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 2 ** minLog2 || (n & (n - 1)) !== 0 || n > 1 << 16) {
    throw new FieldbenchError("INVALID_VALUE", `${what} ${n} must be a power of two from ${2 ** minLog2} to 65536`);
  }
}

export async function createRealFft2d(h: number, w: number): Promise<RealFft2d> {
  checkSize(w, 5, "real FFT width");
  checkSize(h, 4, "real FFT height");
  const m = await loadPffft();
  const half = w / 2 + 1;
  const rowSetup = m._pffft_new_setup(w, REAL);
  const colSetup = m._pffft_new_setup(h, COMPLEX);
  const longest = Math.max(w, 2 * h);
  const inPtr = m._pffft_aligned_malloc(4 * longest);
  const outPtr = m._pffft_aligned_malloc(4 * longest);
  const workPtr = m._pffft_aligned_malloc(4 * longest);
  let disposed = false;
  const forward = (input: Float32Array): Float32Array => {
    if (disposed) throw new FieldbenchError("INTERNAL", "real FFT used after dispose");
    if (input.length !== h * w) {
      throw new FieldbenchError("SHAPE_MISMATCH", `real FFT of ${h}x${w} got ${input.length} values`);
    }
    const out = new Float32Array(h * half * 2);
    for (let r = 0; r < h; r++) {
      m.HEAPF32.set(input.subarray(r * w, r * w + w), inPtr >> 2);
      m._pffft_transform_ordered(rowSetup, inPtr, outPtr, workPtr, FORWARD);
      const heap = m.HEAPF32;
      const o = outPtr >> 2;
      const base = r * half * 2;
      // Ordered real layout: [r0, r_{w/2}, re1, im1, ..., re_{w/2-1}, im_{w/2-1}].
      out[base] = heap[o];
      out[base + 1] = 0;
      out[base + 2 * (half - 1)] = heap[o + 1];
      out[base + 2 * (half - 1) + 1] = 0;
      for (let k = 1; k < half - 1; k++) {
        out[base + 2 * k] = heap[o + 2 * k];
        out[base + 2 * k + 1] = heap[o + 2 * k + 1];
      }
    }
    for (let c = 0; c < half; c++) {
      let heap = m.HEAPF32;
      const i = inPtr >> 2;
      for (let r = 0; r < h; r++) {
        heap[i + 2 * r] = out[(r * half + c) * 2];
        heap[i + 2 * r + 1] = out[(r * half + c) * 2 + 1];
      }
      m._pffft_transform_ordered(colSetup, inPtr, outPtr, workPtr, FORWARD);
      heap = m.HEAPF32;
      const o = outPtr >> 2;
      for (let r = 0; r < h; r++) {
        out[(r * half + c) * 2] = heap[o + 2 * r];
        out[(r * half + c) * 2 + 1] = heap[o + 2 * r + 1];
      }
    }
    return out;
  };
  return {
    h,
    w,
    forward,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      m._pffft_aligned_free(inPtr);
      m._pffft_aligned_free(outPtr);
      m._pffft_aligned_free(workPtr);
      m._pffft_destroy_setup(rowSetup);
      m._pffft_destroy_setup(colSetup);
    },
  };
}
