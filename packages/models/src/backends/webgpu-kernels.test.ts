import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { NO_ADAPTER, activateWebgpu } from "./webgpu-probe.js";
import { maxRelativeError, seededNormals } from "./kernel-check.js";

// Keep tfjs's own filter-gradient kernel in place (the backend would replace it) so it can be restored for comparison.
process.env.FIELDBENCH_WEBGPU_STOCK_KERNELS = "1";
const adapter = await activateWebgpu();
delete process.env.FIELDBENCH_WEBGPU_STOCK_KERNELS;

// The WGSL kernels run for real here: on the GPU machine through its driver, in the tests through Mesa's lavapipe
// (a Vulkan driver on the CPU; `npm run test:system-deps` installs it). The split-K filter gradient is compared with
// the definition in float64 and with tfjs-webgpu's stock kernel on the same device.
//   dW[ky,kx,ci,co] = sum_{b,oy,ox} x[b, oy*s-pt+ky, ox*s-pl+kx, ci] * dy[b,oy,ox,co]

let restoreStock: () => void;
let stockKernel: tf.KernelFunc | undefined;

beforeAll(async () => {
  if (!adapter) return;
  stockKernel = tf.getKernel("Conv2DBackpropFilter", "webgpu")?.kernelFunc;
  const { registerWebgpuConv2DBackpropFilter } = await import("./webgpu-conv2d-backprop-filter.js");
  restoreStock = registerWebgpuConv2DBackpropFilter();
  expect(stockKernel).toBeDefined();
  expect(tf.getKernel("Conv2DBackpropFilter", "webgpu")?.kernelFunc).not.toBe(stockKernel);
}, 60_000);

interface Case {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly stride: number;
  readonly pad: "same" | "valid";
}

const CASES: Case[] = [
  { name: "3x3 same, 3 -> 8", x: [2, 16, 16, 3], filter: [3, 3, 3, 8], stride: 1, pad: "same" },
  { name: "5x5 valid stride 2, odd sizes, 5 -> 7", x: [3, 13, 11, 5], filter: [5, 5, 5, 7], stride: 2, pad: "valid" },
  { name: "SRCNN's first layer, 9x9 same, 3 -> 64", x: [2, 24, 24, 3], filter: [9, 9, 3, 64], stride: 1, pad: "same" },
  { name: "one output channel, 5x5 same, 32 -> 1", x: [4, 12, 12, 32], filter: [5, 5, 32, 1], stride: 1, pad: "same" },
];

/**
 * Visits every (input pixel, filter tap, output pixel) triple of the convolution that lands inside the input,
 * with TF's "same" padding split (the extra row/column on the bottom/right).
 */
function forEachTap(
  c: Case,
  oh: number,
  ow: number,
  visit: (n: number, iy: number, ix: number, ky: number, kx: number, oy: number, ox: number) => void,
): void {
  const [b, ih, iw] = c.x;
  const [fh, fw] = c.filter;
  const pt = c.pad === "same" ? Math.floor(Math.max((oh - 1) * c.stride + fh - ih, 0) / 2) : 0;
  const pl = c.pad === "same" ? Math.floor(Math.max((ow - 1) * c.stride + fw - iw, 0) / 2) : 0;
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * c.stride - pt + ky;
          if (iy < 0 || iy >= ih) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * c.stride - pl + kx;
            if (ix >= 0 && ix < iw) visit(n, iy, ix, ky, kx, oy, ox);
          }
        }
}

/** dW[ky,kx,ci,co] = sum x[n,iy,ix,ci] * dy[n,oy,ox,co] over the taps, in float64 (NHWC x and dy, HWIO dW). */
function direct(x: Float32Array, dy: Float32Array, c: Case, oh: number, ow: number): Float64Array {
  const [, ih, iw, ci] = c.x;
  const [, fw, , co] = c.filter;
  const out = new Float64Array(c.filter[0] * fw * ci * co);
  forEachTap(c, oh, ow, (n, iy, ix, ky, kx, oy, ox) => {
    for (let i = 0; i < ci; i++) {
      const xv = x[((n * ih + iy) * iw + ix) * ci + i] as number;
      const dyBase = ((n * oh + oy) * ow + ox) * co;
      const outBase = ((ky * fw + kx) * ci + i) * co;
      for (let o = 0; o < co; o++) out[outBase + o]! += xv * (dy[dyBase + o] as number);
    }
  });
  return out;
}

/** The output size of the case's convolution, seeded random values of `shape` and a random dy (seed + 1). */
function randomOperands(c: Case, shape: readonly number[], seed: number) {
  const conv = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad);
  const [, oh, ow, co] = conv.shape;
  conv.dispose();
  const values = seededNormals(
    shape.reduce((p, q) => p * q, 1),
    seed,
  );
  const dys = seededNormals(c.x[0] * oh * ow * co, seed + 1);
  return { oh, ow, values, dys, dy: tf.tensor4d(dys, [c.x[0], oh, ow, co]) };
}

/** Runs one gradient kernel by name (what conv2d's gradient calls), so nothing else is in the comparison. */
async function runGradientKernel(
  name: "Conv2DBackpropFilter" | "Conv2DBackpropInput",
  inputs: tf.NamedTensorMap,
  c: Case,
): Promise<Float32Array> {
  const shapeAttr = name === "Conv2DBackpropFilter" ? { filterShape: c.filter } : { inputShape: c.x };
  const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: "NHWC", ...shapeAttr };
  const out = tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

const filterGradient = (x: tf.Tensor4D, dy: tf.Tensor4D, c: Case) =>
  runGradientKernel("Conv2DBackpropFilter", { x, dy }, c);

describe.skipIf(!adapter)(
  `split-K Conv2DBackpropFilter on a real WebGPU device${adapter ? "" : ` (${NO_ADAPTER})`}`,
  () => {
    it.each(CASES)(
      "$name: equals the float64 definition and the stock kernel to 1e-5",
      async (c) => {
        const { oh, ow, values: xs, dys, dy } = randomOperands(c, c.x, 1);
        const x = tf.tensor4d(xs, c.x);
        const splitK = await filterGradient(x, dy, c);
        restoreStock();
        expect(tf.getKernel("Conv2DBackpropFilter", "webgpu")?.kernelFunc).toBe(stockKernel);
        const stock = await filterGradient(x, dy, c);
        const { registerWebgpuConv2DBackpropFilter } = await import("./webgpu-conv2d-backprop-filter.js");
        restoreStock = registerWebgpuConv2DBackpropFilter();
        tf.dispose([x, dy]);
        const reference = direct(xs, dys, c, oh, ow);
        expect(maxRelativeError(splitK, reference)).toBeLessThan(1e-5);
        expect(maxRelativeError(stock, reference)).toBeLessThan(1e-5);
        expect(maxRelativeError(splitK, stock)).toBeLessThan(1e-5);
      },
      120_000,
    );
  },
);

/** dx[n,iy,ix,ci] = sum w[ky,kx,ci,co] * dy[n,oy,ox,co] over the taps, in float64. */
function directInput(w: Float32Array, dy: Float32Array, c: Case, oh: number, ow: number): Float64Array {
  const [b, ih, iw, ci] = c.x;
  const [, fw, , co] = c.filter;
  const out = new Float64Array(b * ih * iw * ci);
  forEachTap(c, oh, ow, (n, iy, ix, ky, kx, oy, ox) => {
    for (let i = 0; i < ci; i++) {
      let sum = 0;
      for (let o = 0; o < co; o++)
        sum += (w[((ky * fw + kx) * ci + i) * co + o] as number) * (dy[((n * oh + oy) * ow + ox) * co + o] as number);
      out[((n * ih + iy) * iw + ix) * ci + i]! += sum;
    }
  });
  return out;
}

describe.skipIf(!adapter)(
  `tfjs-webgpu's tiled Conv2DBackpropInput (fieldbench's default) on a real device${adapter ? "" : ` (${NO_ADAPTER})`}`,
  () => {
    it.each(CASES)(
      "$name: equals the float64 definition and the naive kernel to 1e-5",
      async (c) => {
        const { oh, ow, values: ws, dys, dy } = randomOperands(c, c.filter, 3);
        const w = tf.tensor4d(ws, c.filter);
        const run = (naive: boolean) => {
          tf.env().set("WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE", naive);
          return runGradientKernel("Conv2DBackpropInput", { dy, filter: w }, c);
        };
        const tiled = await run(false);
        const naive = await run(true);
        tf.dispose([w, dy]);
        const reference = directInput(ws, dys, c, oh, ow);
        expect(maxRelativeError(tiled, reference)).toBeLessThan(1e-5);
        expect(maxRelativeError(naive, reference)).toBeLessThan(1e-5);
      },
      120_000,
    );
  },
);
