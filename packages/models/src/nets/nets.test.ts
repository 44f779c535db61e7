import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "@fieldbench/core";
import { registerWasmTrainingKernels } from "../backends/wasm-kernels.js";
import { loadLayersModel, saveLayersModel } from "../weights-io.js";
import { SpectralConv2d } from "./layers.js";
import { NETS } from "./nets.js";

beforeAll(async () => {
  tf.enableProdMode();
  registerWasmTrainingKernels();
  await tf.setBackend("wasm");
});

function randn(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

describe("baseline sizes (3 channels, x8)", () => {
  // Worked by hand from the layer shapes (weights + biases):
  //  SRCNN    9*9*3*64+64 + 5*5*64*32+32 + 5*5*32*3+3                               = 69,251
  //  subpixel 5*5*3*128+128 + 3*3*128*128+128 + 3*3*128*64+64 + 3*3*64*192+192        = 341,888
  //  EDSR     head 1,792 + 32 convs * 36,928 + body 36,928 + 3 * 147,712 + tail 1,731   = 1,665,283
  //  FNO      lift 256 + 4*(2*144*64*64 complex + 4,160) + 8,320 + 8,256 + 195          = 4,752,259
  // and docs/superbench.md's table (0.07 M, 0.34 M, 1.67 M, 1.40 M, 4.75 M; SuperBench's json: 1.404 M for WDSR).
  const spec = { channels: 3, scale: 8 };
  it.each([
    ["srcnn", 69_251, 0.07e6],
    ["subpixel", 341_888, 0.34e6],
    ["edsr", 1_665_283, 1.67e6],
    ["wdsr", undefined, 1.404e6],
    ["fno", 4_752_259, 4.75e6],
  ] as const)("%s", (name, exact, published) => {
    const net = NETS[name];
    const model = net.build(spec);
    const count = net.info.referenceParameters(model);
    if (exact !== undefined) expect(count).toBe(exact);
    expect(Math.abs(count - published) / published).toBeLessThan(0.02);
    model.dispose();
  });
});

describe("FNO with a global skip", () => {
  it("has SuperBench's parameters and, with its last projection zeroed, returns its input exactly", async () => {
    const plain = NETS.fno.build({ channels: 3, scale: 8 });
    const skip = NETS.fno.build({ channels: 3, scale: 8, globalSkip: true });
    expect(NETS.fno.info.referenceParameters(skip)).toBe(NETS.fno.info.referenceParameters(plain));
    // The skip adds the (pre-upsampled, z-scored) input to the projection: zero the projection and the net is
    // the identity, whatever the Fourier layers compute.
    const last = skip.layers.filter((l) => l.getClassName() === "Dense").at(-1);
    last?.setWeights(last.getWeights().map((w) => tf.zerosLike(w)));
    const x = randn([2, 32, 28, 3], 3);
    const y = skip.predict(x) as tf.Tensor;
    expect(Array.from(await y.data())).toEqual(Array.from(await x.data()));
    tf.dispose([x, y]);
    plain.dispose();
    skip.dispose();
  });
});

describe("wasm training kernels", () => {
  it.each([
    { stride: 1, pad: "same" as const, x: [2, 9, 8, 3], f: [3, 3, 3, 4] },
    { stride: 2, pad: "same" as const, x: [2, 9, 8, 3], f: [3, 3, 3, 4] },
    { stride: 1, pad: "valid" as const, x: [1, 10, 7, 2], f: [5, 5, 2, 3] },
  ])("conv2d gradients equal the cpu backend's (stride $stride, $pad)", async ({ stride, pad, x, f }) => {
    const xs = randn(x, 1);
    const fs = randn(f, 2);
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const xt = tf.tensor4d(await xs.data(), x as [number, number, number, number]);
      const ft = tf.tensor4d(await fs.data(), f as [number, number, number, number]);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))),
      );
      const [gx, gf] = g([xt, ft]);
      return [await (gx as tf.Tensor).data(), await (gf as tf.Tensor).data()];
    };
    const [cx, cf] = await grads("cpu");
    const [wx, wf] = await grads("wasm");
    for (const [a, b] of [
      [wx, cx],
      [wf, cf],
    ] as const) {
      const scale = Math.max(...Array.from(b as Float32Array, Math.abs));
      for (let i = 0; i < b.length; i++)
        expect(Math.abs((a[i] as number) - (b[i] as number)) / scale).toBeLessThan(1e-5);
    }
  });
});

describe("SRCNN on wasm", () => {
  it("lowers its L1 loss on a 32² toy in a few Adam steps", async () => {
    await tf.setBackend("wasm");
    const model = NETS.srcnn.build({ channels: 1, scale: 2 });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanAbsoluteError" });
    // Target: a smooth field; input: the same field with noise (a denoising toy SRCNN can fit).
    const yy = tf.tidy(() => {
      const g = tf.linspace(0, 2 * Math.PI, 32);
      return tf.reshape(tf.mul(tf.sin(tf.reshape(g, [32, 1])), tf.cos(tf.reshape(g, [1, 32]))), [1, 32, 32, 1]);
    });
    const y = tf.tile(yy, [4, 1, 1, 1]);
    const x = tf.add(y, tf.mul(randn([4, 32, 32, 1], 3), 0.2));
    const losses: number[] = [];
    for (let i = 0; i < 8; i++) losses.push((await model.trainOnBatch(x, y)) as number);
    expect(losses[7]).toBeLessThan((losses[0] as number) * 0.8);
    model.dispose();
  });
});

/** Naive float64 reference: keep |k1| < m1, 0 <= k2 < m2 of the 2-D DFT, multiply by W per mode, inverse real DFT. */
function naiveSpectral(
  x: Float32Array,
  [h, w, cin]: number[],
  wr: Float32Array,
  wi: Float32Array,
  cout: number,
  m1: number,
  m2: number,
) {
  const k1s = [...Array.from({ length: m1 }, (_, i) => i), ...Array.from({ length: m1 }, (_, i) => h - m1 + i)];
  const out = new Float64Array(h * w * cout);
  k1s.forEach((k1, r) => {
    for (let k2 = 0; k2 < m2; k2++) {
      const mode = r * m2 + k2;
      const X = Array.from({ length: cin }, (_, c) => {
        let re = 0;
        let im = 0;
        for (let y = 0; y < h; y++)
          for (let xx = 0; xx < w; xx++) {
            const a = -2 * Math.PI * ((y * k1) / h + (xx * k2) / w);
            const v = x[(y * w + xx) * cin + c] as number;
            re += v * Math.cos(a);
            im += v * Math.sin(a);
          }
        return [re, im];
      });
      for (let o = 0; o < cout; o++) {
        let yr = 0;
        let yi = 0;
        for (let c = 0; c < cin; c++) {
          const [xr, xi] = X[c] as number[];
          const idx = (mode * cin + c) * cout + o;
          yr += (xr as number) * (wr[idx] as number) - (xi as number) * (wi[idx] as number);
          yi += (xr as number) * (wi[idx] as number) + (xi as number) * (wr[idx] as number);
        }
        const weight = k2 === 0 || 2 * k2 === w ? 1 : 2;
        for (let y = 0; y < h; y++)
          for (let xx = 0; xx < w; xx++) {
            const a = 2 * Math.PI * ((y * k1) / h + (xx * k2) / w);
            out[(y * w + xx) * cout + o] += (weight * (yr * Math.cos(a) - yi * Math.sin(a))) / (h * w);
          }
      }
    }
  });
  return out;
}

describe("FNO spectral layer", () => {
  const [h, w, cin, cout, m1, m2] = [8, 10, 2, 3, 2, 3];

  it("equals a naive float64 truncated DFT, per-mode complex product and inverse real DFT", async () => {
    await tf.setBackend("cpu");
    const layer = new SpectralConv2d({ filters: cout, modes1: m1, modes2: m2 });
    const x = randn([1, h, w, cin], 4);
    const y = layer.apply(x) as tf.Tensor;
    const [wRe, wIm] = layer.getWeights();
    const want = naiveSpectral(
      (await x.data()) as Float32Array,
      [h, w, cin],
      (await (wRe as tf.Tensor).data()) as Float32Array,
      (await (wIm as tf.Tensor).data()) as Float32Array,
      cout,
      m1,
      m2,
    );
    const got = await y.data();
    const scale = Math.max(...Array.from(want, Math.abs));
    for (let i = 0; i < want.length; i++)
      expect(Math.abs((got[i] as number) - (want[i] as number)) / scale).toBeLessThan(1e-5);
  });

  it("has gradients that match central finite differences", async () => {
    await tf.setBackend("cpu");
    const layer = new SpectralConv2d({ filters: cout, modes1: m1, modes2: m2 });
    const x = randn([1, h, w, cin], 5);
    const r = randn([1, h, w, cout], 6);
    layer.apply(x); // builds the weights
    const weights = layer.getWeights();
    layer.setWeights(weights.map((t, i) => tf.mul(randn(t.shape, 10 + i), 0.3)));
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)) as tf.Scalar;
    const analytic = await tf.grad(loss)(x).data();
    const xs = Float64Array.from(await x.data());
    const rng = createRng(7);
    const eps = 1e-2;
    for (let trial = 0; trial < 12; trial++) {
      const i = rng.int(xs.length);
      const plus = Float32Array.from(xs);
      const minus = Float32Array.from(xs);
      plus[i] += eps;
      minus[i] -= eps;
      const lp = (await loss(tf.tensor(plus, x.shape)).data())[0] as number;
      const lm = (await loss(tf.tensor(minus, x.shape)).data())[0] as number;
      const numeric = (lp - lm) / (2 * eps);
      // The layer is linear in x, so central differences are exact up to float32 rounding.
      expect(Math.abs(numeric - (analytic[i] as number))).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
    }
  });
});

describe("weights on the file system", () => {
  it("saves and loads a model that then predicts identically (custom layers included)", async () => {
    await tf.setBackend("cpu");
    const dir = mkdtempSync(join(tmpdir(), "fb-models-"));
    const model = NETS.wdsr.build({ channels: 2, scale: 2 });
    const x = randn([1, 12, 12, 2], 8);
    const before = await (model.predict(x) as tf.Tensor).data();
    await saveLayersModel(model, dir);
    const loaded = await loadLayersModel(dir);
    const after = await (loaded.predict(x) as tf.Tensor).data();
    expect(Array.from(after)).toEqual(Array.from(before));
  });
});
