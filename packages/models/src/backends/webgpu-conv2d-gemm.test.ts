import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN_GEMM_N, planConvGemm } from "./webgpu-conv2d-gemm.js";
import { NO_ADAPTER, activateWebgpu } from "./webgpu-probe.js";
import { maxRelativeError, seededNormals } from "./kernel-check.js";

const adapter = await activateWebgpu();

// The implicit-GEMM conv kernels run for real here (Mesa's lavapipe in CI, the driver on the GPU machine), against
// a float64 definition written out below and against tfjs-webgpu's stock kernels on the same device:
//   y[b, oy, ox, co] = act(bias[co] + sum_{ky,kx,ci} x[b, oy*s - pt + ky, ox*s - pl + kx, ci] * w[ky, kx, ci, co])
//   dx[b, iy, ix, ci] = sum_{ky,kx,co} dy[b, oy, ox, co] * w[ky, kx, ci, co]   where iy = oy*s - pt + ky, ...

interface Geometry {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly stride: number;
  readonly pad: "same" | "valid";
  /** The GEMM leaves this shape to tfjs's kernel. */
  readonly stock?: boolean;
}

const FORWARD: Geometry[] = [
  {
    name: "3x3 same 64 -> 64, rows not a multiple of the tile",
    x: [2, 10, 9, 64],
    filter: [3, 3, 64, 64],
    stride: 1,
    pad: "same",
  },
  { name: "9x9 same 8 -> 64 (k = 648)", x: [2, 20, 20, 8], filter: [9, 9, 8, 64], stride: 1, pad: "same" },
  {
    name: "EDSR's upsampling 3x3 64 -> 256 (two column tiles)",
    x: [1, 8, 8, 64],
    filter: [3, 3, 64, 256],
    stride: 1,
    pad: "same",
  },
  { name: "SRCNN's 5x5 same 64 -> 32", x: [2, 12, 11, 64], filter: [5, 5, 64, 32], stride: 1, pad: "same" },
  {
    name: "5x5 valid stride 2, 8 -> 72 (ragged columns)",
    x: [2, 13, 11, 8],
    filter: [5, 5, 8, 72],
    stride: 2,
    pad: "valid",
  },
  {
    name: "3x3 same 16 -> 136 (a ragged 128-column tile)",
    x: [1, 9, 7, 16],
    filter: [3, 3, 16, 136],
    stride: 1,
    pad: "same",
  },
  {
    name: "SRCNN's 9x9 3 -> 64 (tfjs's kernel: few input channels)",
    x: [2, 20, 20, 3],
    filter: [9, 9, 3, 64],
    stride: 1,
    pad: "same",
    stock: true,
  },
];

const BACKPROP_INPUT: Geometry[] = [
  { name: "3x3 same, dx of 64 channels from 64", x: [2, 10, 9, 64], filter: [3, 3, 64, 64], stride: 1, pad: "same" },
  {
    name: "SRCNN's 5x5 same, dx of 64 channels from 32",
    x: [2, 12, 12, 64],
    filter: [5, 5, 64, 32],
    stride: 1,
    pad: "same",
  },
  { name: "4x4 same (uneven padding), 80 from 16", x: [1, 9, 10, 80], filter: [4, 4, 80, 16], stride: 1, pad: "same" },
  {
    name: "SRCNN's last 5x5 same, dx of 32 channels from 3",
    x: [2, 12, 12, 32],
    filter: [5, 5, 32, 3],
    stride: 1,
    pad: "same",
  },
  { name: "3x3 valid, 64 from 8", x: [2, 9, 8, 64], filter: [3, 3, 64, 8], stride: 1, pad: "valid" },
];

/** TF's output size and padding split (the extra row/column of "same" goes to the bottom/right). */
function outputGeometry({ x, filter, stride, pad }: Geometry) {
  const [, ih, iw] = x;
  const [fh, fw] = filter;
  const oh = pad === "same" ? Math.ceil(ih / stride) : Math.floor((ih - fh) / stride) + 1;
  const ow = pad === "same" ? Math.ceil(iw / stride) : Math.floor((iw - fw) / stride) + 1;
  const pt = pad === "same" ? Math.floor(Math.max((oh - 1) * stride + fh - ih, 0) / 2) : 0;
  const pl = pad === "same" ? Math.floor(Math.max((ow - 1) * stride + fw - iw, 0) / 2) : 0;
  return { oh, ow, pt, pl };
}

/** Calls visit(xIndex, wIndex, yIndex) for every multiply of the convolution, in NHWC / HWIO layout. */
function forEachProduct(g: Geometry, visit: (xi: number, wi: number, yi: number) => void): void {
  const [b, ih, iw, ci] = g.x;
  const [fh, fw, , co] = g.filter;
  const { oh, ow, pt, pl } = outputGeometry(g);
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < fh; ky++)
          for (let kx = 0; kx < fw; kx++) {
            const iy = oy * g.stride - pt + ky;
            const ix = ox * g.stride - pl + kx;
            if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) continue;
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++)
                visit(
                  ((n * ih + iy) * iw + ix) * ci + i,
                  ((ky * fw + kx) * ci + i) * co + o,
                  ((n * oh + oy) * ow + ox) * co + o,
                );
          }
}

/** Shader keys of the GEMM programs the backend has compiled for this mode: proof the GEMM ran, not a fallback. */
const gemmPipelines = (mode: "forward" | "backpropInput") =>
  Object.keys((tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache).filter(
    (key) => key.startsWith("fieldbenchConvGemm_") && key.includes(`_${mode}_`),
  ).length;

async function values(t: tf.Tensor): Promise<Float32Array> {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

describe("planConvGemm", () => {
  it("keeps both staged tiles within WebGPU's guaranteed 16 KiB of workgroup memory and 16 x 16 threads", () => {
    for (const [m, n, k] of [
      [8192, 64, 576],
      [524288, 256, 576],
      [100, 64, 27],
      [1 << 20, 64, 243],
      [524288, 32, 1600],
    ] as const) {
      const p = planConvGemm(m, n, k);
      expect(((p.tileM + 4) * p.tileK + p.tileK * p.tileN) * 4).toBeLessThanOrEqual(16384);
      expect((p.tileM / p.regM) * (p.tileN / p.regN)).toBe(256);
      expect(p.tileN / p.regN).toBe(p.threadsN);
      expect((p.regM % 4) + (p.regN % 4)).toBe(0);
    }
    // Few output rows: the smaller row block, so that more workgroups run.
    expect(planConvGemm(8192, 64, 576)).toMatchObject({ tileN: 32, regM: 4, tileM: 128 });
    expect(planConvGemm(524288, 64, 800)).toMatchObject({ tileN: 32, regM: 8, tileM: 256, tileK: 8 });
    // Wide outputs: 32 threads across 128 columns, 8 down the rows.
    expect(planConvGemm(131072, 256, 576)).toMatchObject({ tileN: 128, regN: 4, threadsN: 32, tileM: 64 });
    expect(MIN_GEMM_N).toBe(32);
  });
});

describe.skipIf(!adapter)(
  `implicit-GEMM convolutions on a real WebGPU device${adapter ? "" : ` (${NO_ADAPTER})`}`,
  () => {
    let restore: () => void = () => {};
    const swap = async (gemm: boolean) => {
      restore();
      restore = () => {};
      if (gemm) restore = (await import("./webgpu-conv2d-gemm.js")).registerWebgpuConvGemm();
    };
    beforeAll(() => swap(true));
    afterAll(() => swap(false));

    it.each(FORWARD)(
      "forward, $name: fused bias + relu and plain conv equal float64 and the stock kernels to 1e-5",
      async (g) => {
        const b = g.x[0];
        const co = g.filter[3];
        const xs = seededNormals(
          g.x.reduce((p, q) => p * q),
          1,
        );
        const ws = seededNormals(
          g.filter.reduce((p, q) => p * q),
          2,
        );
        const bs = seededNormals(co, 3);
        const { oh, ow } = outputGeometry(g);
        const sums = new Float64Array(b * oh * ow * co);
        forEachProduct(g, (xi, wi, yi) => {
          sums[yi]! += (xs[xi] as number) * (ws[wi] as number);
        });
        const fusedReference = sums.map((v, i) => Math.max(0, v + (bs[i % co] as number)));
        const run = async () => {
          const x = tf.tensor4d(xs, g.x);
          const w = tf.tensor4d(ws, g.filter);
          const bias = tf.tensor1d(bs);
          const plain = await values(tf.conv2d(x, w, g.stride, g.pad));
          const fused = await values(
            tf.fused.conv2d({ x, filter: w, strides: g.stride, pad: g.pad, bias, activation: "relu" }),
          );
          tf.dispose([x, w, bias]);
          return { plain, fused };
        };
        const compiled = gemmPipelines("forward");
        const ours = await run();
        if (g.stock) expect(gemmPipelines("forward")).toBe(compiled);
        else expect(gemmPipelines("forward")).toBeGreaterThan(compiled);
        await swap(false);
        const stock = await run();
        await swap(true);
        expect(maxRelativeError(ours.plain, sums)).toBeLessThan(1e-5);
        expect(maxRelativeError(ours.fused, fusedReference)).toBeLessThan(1e-5);
        expect(maxRelativeError(stock.plain, sums)).toBeLessThan(1e-5);
        expect(maxRelativeError(ours.fused, stock.fused)).toBeLessThan(1e-5);
      },
      120_000,
    );

    it.each(BACKPROP_INPUT)(
      "backprop input, $name: equals float64 and the stock kernel to 1e-5",
      async (g) => {
        const { oh, ow } = outputGeometry(g);
        const co = g.filter[3];
        const ws = seededNormals(
          g.filter.reduce((p, q) => p * q),
          4,
        );
        const dys = seededNormals(g.x[0] * oh * ow * co, 5);
        const reference = new Float64Array(g.x.reduce((p, q) => p * q));
        forEachProduct(g, (xi, wi, yi) => {
          reference[xi]! += (ws[wi] as number) * (dys[yi] as number);
        });
        const run = async () => {
          const w = tf.tensor4d(ws, g.filter);
          const dy = tf.tensor4d(dys, [g.x[0], oh, ow, co]);
          const attrs = { strides: [g.stride, g.stride], pad: g.pad, dataFormat: "NHWC", inputShape: g.x };
          const dx = tf
            .engine()
            .runKernel("Conv2DBackpropInput", { dy, filter: w }, attrs as unknown as tf.NamedAttrMap);
          tf.dispose([w, dy]);
          return values(dx as tf.Tensor);
        };
        const compiled = gemmPipelines("backpropInput");
        const ours = await run();
        expect(gemmPipelines("backpropInput")).toBeGreaterThan(compiled);
        await swap(false);
        const stock = await run();
        await swap(true);
        expect(maxRelativeError(ours, reference)).toBeLessThan(1e-5);
        expect(maxRelativeError(stock, reference)).toBeLessThan(1e-5);
        expect(maxRelativeError(ours, stock)).toBeLessThan(1e-5);
      },
      120_000,
    );
  },
);
