import { FieldbenchError } from "@fieldbench/core";

/**
 * A small typed wrapper over PFFFT (@echogarden/pffft-wasm, SIMD build): real 2-D forward and inverse FFTs,
 * rows first (real transform), then the W/2+1 complex columns. PFFFT computes in float32; sums of many
 * coefficients (shell energies) carry relative errors around 1e-7. Transforms are unnormalised like numpy's
 * fft2 (forward) and ifft2 * H*W (inverse is scaled here to match numpy's irfft2).
 *
 * PFFFT sizes: N = 2^a 3^b 5^c with a >= 5 for real rows and a >= 4 for complex columns.
 */

interface PffftModule {
  _pffft_new_setup(n: number, kind: number): number;
  _pffft_destroy_setup(setup: number): void;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_aligned_free(ptr: number): void;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
  HEAPF32: Float32Array;
}

const REAL = 0;
const COMPLEX = 1;
const FORWARD = 0;
const BACKWARD = 1;

let modulePromise: Promise<PffftModule> | undefined;

export function loadPffft(): Promise<PffftModule> {
  modulePromise ??= (async () => {
    const factory = (await import("@echogarden/pffft-wasm/simd")) as unknown as {
      default: () => Promise<PffftModule>;
    };
    return factory.default();
  })();
  return modulePromise;
}

/** The half-plane spectrum of a real H x W field: rows 0..H-1, columns 0..W/2, split into re and im. */
export interface HalfSpectrum {
  readonly h: number;
  readonly w: number;
  /** W/2 + 1 */
  readonly cols: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

function isPffftSize(n: number, minPow2: number): boolean {
  let m = n;
  let twos = 0;
  while (m % 2 === 0) {
    m /= 2;
    twos++;
  }
  for (const p of [3, 5]) while (m % p === 0) m /= p;
  return m === 1 && twos >= minPow2;
}

/** Why PFFFT cannot transform an H x W field, or undefined when it can. */
export function fftShapeProblem(h: number, w: number): string | undefined {
  return isPffftSize(w, 5) && isPffftSize(h, 4)
    ? undefined
    : `needs H = 2^a 3^b 5^c with a >= 4 and W with a >= 5 (PFFFT sizes); got ${h} x ${w}`;
}

export function checkFftShape(h: number, w: number): void {
  const problem = fftShapeProblem(h, w);
  if (problem !== undefined) throw new FieldbenchError("UNSUPPORTED", `spectral metrics ${problem}`);
}

/** Runs `body` with PFFFT setups and a scratch heap area, freeing them afterwards. */
async function withFft<T>(
  h: number,
  w: number,
  body: (m: PffftModule, rowSetup: number, colSetup: number, buf: number, work: number, col: number) => T,
): Promise<T> {
  checkFftShape(h, w);
  const m = await loadPffft();
  const rowSetup = m._pffft_new_setup(w, REAL);
  const colSetup = m._pffft_new_setup(h, COMPLEX);
  const buf = m._pffft_aligned_malloc(w * 4);
  const work = m._pffft_aligned_malloc(Math.max(w, 2 * h) * 4);
  const col = m._pffft_aligned_malloc(2 * h * 4);
  try {
    return body(m, rowSetup, colSetup, buf, work, col);
  } finally {
    m._pffft_aligned_free(col);
    m._pffft_aligned_free(work);
    m._pffft_aligned_free(buf);
    m._pffft_destroy_setup(colSetup);
    m._pffft_destroy_setup(rowSetup);
  }
}

/**
 * The forward real 2-D transform inside the WASM heap, with as little JavaScript per element as possible: the field
 * is copied in once, rows are transformed in place, the half-plane is transposed (in blocks) into a column-major
 * complex buffer, and columns are transformed in place. `visit` reads the result there: coefficient (row r,
 * column k) has its real part at heap[base + 2 (k H + r)] and its imaginary part next to it.
 */
export async function withHalfSpectrum<T>(
  data: ArrayLike<number>,
  h: number,
  w: number,
  visit: (heap: Float32Array, base: number, cols: number) => T,
): Promise<T> {
  checkFftShape(h, w);
  const m = await loadPffft();
  const cols = w / 2 + 1;
  const rowSetup = m._pffft_new_setup(w, REAL);
  const colSetup = m._pffft_new_setup(h, COMPLEX);
  const rowsPtr = m._pffft_aligned_malloc(h * w * 4);
  const colsPtr = m._pffft_aligned_malloc(cols * h * 8);
  const work = m._pffft_aligned_malloc(Math.max(w, 2 * h) * 4);
  try {
    let heap = m.HEAPF32;
    const a = rowsPtr >> 2;
    if (data instanceof Float32Array) heap.set(data.subarray(0, h * w), a);
    else for (let i = 0; i < h * w; i++) heap[a + i] = data[i] as number;
    for (let r = 0; r < h; r++)
      m._pffft_transform_ordered(rowSetup, rowsPtr + r * w * 4, rowsPtr + r * w * 4, work, FORWARD);
    heap = m.HEAPF32;
    const b = colsPtr >> 2;
    const BLOCK = 64;
    for (let r0 = 0; r0 < h; r0 += BLOCK) {
      const r1 = Math.min(r0 + BLOCK, h);
      for (let k0 = 0; k0 < cols; k0 += BLOCK) {
        const k1 = Math.min(k0 + BLOCK, cols);
        for (let r = r0; r < r1; r++) {
          const row = a + r * w;
          for (let k = k0; k < k1; k++) {
            const o = b + 2 * (k * h + r);
            if (k === 0) {
              heap[o] = heap[row] as number;
              heap[o + 1] = 0;
            } else if (k === cols - 1) {
              heap[o] = heap[row + 1] as number;
              heap[o + 1] = 0;
            } else {
              heap[o] = heap[row + 2 * k] as number;
              heap[o + 1] = heap[row + 2 * k + 1] as number;
            }
          }
        }
      }
    }
    for (let k = 0; k < cols; k++)
      m._pffft_transform_ordered(colSetup, colsPtr + k * h * 8, colsPtr + k * h * 8, work, FORWARD);
    return visit(m.HEAPF32, b, cols);
  } finally {
    m._pffft_aligned_free(work);
    m._pffft_aligned_free(colsPtr);
    m._pffft_aligned_free(rowsPtr);
    m._pffft_destroy_setup(colSetup);
    m._pffft_destroy_setup(rowSetup);
  }
}

/** numpy.fft.rfft2 of a real H x W field (any array of numbers, row-major). */
export async function rfft2(data: ArrayLike<number>, h: number, w: number): Promise<HalfSpectrum> {
  return withHalfSpectrum(data, h, w, (heap, base, cols) => {
    const re = new Float64Array(h * cols);
    const im = new Float64Array(h * cols);
    for (let k = 0; k < cols; k++) {
      for (let r = 0; r < h; r++) {
        re[r * cols + k] = heap[base + 2 * (k * h + r)] as number;
        im[r * cols + k] = heap[base + 2 * (k * h + r) + 1] as number;
      }
    }
    return { h, w, cols, re, im };
  });
}

/** numpy.fft.irfft2 (normalised by 1/(H W)); the imaginary parts of columns 0 and W/2 are ignored, as numpy does. */
export async function irfft2(spectrum: HalfSpectrum): Promise<Float64Array> {
  const { h, w, cols } = spectrum;
  const re = Float64Array.from(spectrum.re);
  const im = Float64Array.from(spectrum.im);
  const out = new Float64Array(h * w);
  const scale = 1 / (h * w);
  await withFft(h, w, (m, rowSetup, colSetup, buf, work, col) => {
    for (let k = 0; k < cols; k++) {
      const heap = m.HEAPF32;
      const c = col >> 2;
      for (let r = 0; r < h; r++) {
        heap[c + 2 * r] = re[r * cols + k] as number;
        heap[c + 2 * r + 1] = im[r * cols + k] as number;
      }
      m._pffft_transform_ordered(colSetup, col, col, work, BACKWARD);
      for (let r = 0; r < h; r++) {
        re[r * cols + k] = heap[c + 2 * r] as number;
        im[r * cols + k] = heap[c + 2 * r + 1] as number;
      }
    }
    for (let r = 0; r < h; r++) {
      const heap = m.HEAPF32;
      const b = buf >> 2;
      const o = r * cols;
      heap[b] = re[o] as number;
      heap[b + 1] = re[o + w / 2] as number;
      for (let k = 1; k < w / 2; k++) {
        heap[b + 2 * k] = re[o + k] as number;
        heap[b + 2 * k + 1] = im[o + k] as number;
      }
      m._pffft_transform_ordered(rowSetup, buf, buf, work, BACKWARD);
      for (let j = 0; j < w; j++) out[r * w + j] = (heap[b + j] as number) * scale;
    }
  });
  return out;
}
