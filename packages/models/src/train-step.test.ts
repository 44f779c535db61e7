import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import type * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "@fieldbench/core";
import { registerWasmTrainingKernels } from "./backends/wasm-kernels.js";
import { NETS, type NetName } from "./nets/nets.js";
import { createTrainStep } from "./train-step.js";
import { withSeededRandom } from "./train.js";

beforeAll(() => {
  tf.enableProdMode();
  registerWasmTrainingKernels();
});

function randn(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

/** max |a - b| / max(|a|, |b|) over one weight tensor: float32 rounding gives ~1e-7, a wrong gradient O(1). */
function relativeDifference(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(a[i] as number), Math.abs(b[i] as number));
  }
  return scale === 0 ? 0 : diff / scale;
}

async function weightsOf(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

/** Small shapes per net: FNO keeps 12x12 modes, so its field must be at least 24² (rfft: W/2+1 >= 12). */
const CASES: { net: NetName; lr: number; scale: number }[] = [
  { net: "srcnn", lr: 16, scale: 2 },
  { net: "edsr", lr: 8, scale: 2 },
  { net: "fno", lr: 24, scale: 1 },
];
/** The pure-JS cpu backend takes seconds per conv gradient: SRCNN on an 8² field only. */
const CPU_CASES: typeof CASES = [{ net: "srcnn", lr: 4, scale: 2 }];
const STEPS = 3;

describe.each([
  ["wasm", CASES],
  ["cpu", CPU_CASES],
] as const)("lean train step on %s", (backend, cases) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each(cases)(
    "$net: same losses and weights as trainOnBatch after 3 Adam steps",
    async ({ net, lr, scale }) => {
      const { build, info } = NETS[net];
      const spec = { channels: 2, scale };
      const stock = withSeededRandom(7, () => build(spec));
      const lean = build(spec);
      lean.setWeights(stock.getWeights());
      stock.compile({ optimizer: tf.train.adam(1e-2), loss: info.loss });
      const step = createTrainStep(lean, tf.train.adam(1e-2), info.loss);

      const inSize = info.preUpsampled ? lr * scale : lr;
      const x = randn([2, inSize, inSize, 2], 11);
      const y = randn([2, lr * scale, lr * scale, 2], 12);
      for (let i = 0; i < STEPS; i++) {
        const expected = (await stock.trainOnBatch(x, y)) as number;
        const loss = step(x, y);
        expect((await loss.data())[0]).toBeCloseTo(expected, 5);
        loss.dispose();
      }
      const [a, b] = [await weightsOf(stock), await weightsOf(lean)];
      expect(b.length).toBe(a.length);
      // Every weight tensor moved (lr 1e-2 for 3 steps), so agreement is not just two untouched copies.
      const initial = withSeededRandom(7, () => build(spec));
      const moved = Math.min(...(await weightsOf(initial)).map((w, i) => relativeDifference(w, a[i] as Float32Array)));
      expect(moved).toBeGreaterThan(1e-3);
      for (let i = 0; i < a.length; i++)
        expect(relativeDifference(a[i] as Float32Array, b[i] as Float32Array)).toBeLessThan(1e-5);
      tf.dispose([x, y]);
      for (const m of [stock, lean, initial]) m.dispose();
    },
    120_000,
  );

  it.each(cases)(
    "$net: holds no more tensors after step 6 than after step 2",
    async ({ net, lr, scale }) => {
      const { build, info } = NETS[net];
      const model = build({ channels: 1, scale });
      const optimizer = tf.train.adam(1e-3);
      const step = createTrainStep(model, optimizer, info.loss);
      const inSize = info.preUpsampled ? lr * scale : lr;
      const x = randn([1, inSize, inSize, 1], 1);
      const y = randn([1, lr * scale, lr * scale, 1], 2);
      const counts: number[] = [];
      for (let i = 0; i < 6; i++) {
        step(x, y).dispose();
        counts.push(tf.memory().numTensors);
      }
      // Step 1 creates Adam's moments (2 per variable) and its beta powers; after that nothing accumulates.
      expect(counts[5]).toBe(counts[1]);
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
    },
    120_000,
  );
});
