import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { createRng } from "@fieldbench/core";
import { flatAdam } from "../flat-adam.js";
import { NETS } from "../nets/nets.js";
import { withSeededRandom } from "../train.js";
import { createTrainStep } from "../train-step.js";
import { NO_ADAPTER, activateWebgpu } from "./webgpu-probe.js";

const adapter = await activateWebgpu();

// FlatAdam on a real WebGPU device (Mesa's lavapipe here; see webgpu-kernels.test.ts): the same weights as
// tf.train.adam, in far fewer kernel launches, which is what costs host time on tfjs-webgpu.

function batch(seed: number): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const rng = createRng(seed);
  const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return { x: tf.tensor4d(values(2 * 4 * 4 * 2), [2, 4, 4, 2]), y: tf.tensor4d(values(2 * 8 * 8 * 2), [2, 8, 8, 2]) };
}

const ELEMENTWISE = ["Add", "Multiply", "RealDiv", "Square", "Sqrt"];
const count = (kernels: Record<string, number>, names: string[]) => names.reduce((n, k) => n + (kernels[k] ?? 0), 0);
/** Kernels that dispatch GPU work: all but Reshape, which tfjs-webgpu does as a view of the same buffer. */
const dispatches = (kernels: Record<string, number>) =>
  Object.entries(kernels).reduce((n, [k, c]) => n + (k === "Reshape" ? 0 : c), 0);

/** Kernels (by name) of step 3 (after two warm-up steps) and the weights after it. */
async function threeSteps(
  optimizer: tf.Optimizer,
): Promise<{ kernels: Record<string, number>; weights: Float32Array[] }> {
  const model = withSeededRandom(7, () => NETS.edsr.build({ channels: 2, scale: 2 }));
  const step = createTrainStep(model, optimizer, "meanAbsoluteError");
  const run = async (s: number) => {
    const { x, y } = batch(s);
    const loss = step(x, y);
    await loss.data();
    tf.dispose([loss, x, y]);
  };
  await run(0);
  await run(1);
  const profile = await tf.profile(() => run(2));
  const weights = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  model.dispose();
  const kernels: Record<string, number> = {};
  for (const k of profile.kernels) kernels[k.name] = (kernels[k.name] ?? 0) + 1;
  return { kernels, weights };
}

describe.skipIf(!adapter)(`FlatAdamOptimizer on WebGPU${adapter ? "" : ` (${NO_ADAPTER})`}`, () => {
  it("matches tf.train.adam's weights after 3 EDSR steps with under half the dispatches", async () => {
    const adam = await threeSteps(tf.train.adam(1e-3));
    const flat = await threeSteps(flatAdam(1e-3));
    let worst = 0;
    adam.weights.forEach((w, i) => {
      const f = flat.weights[i] as Float32Array;
      let scale = 0;
      let diff = 0;
      for (let k = 0; k < w.length; k++) {
        scale = Math.max(scale, Math.abs(w[k] as number));
        diff = Math.max(diff, Math.abs((w[k] as number) - (f[k] as number)));
      }
      worst = Math.max(worst, diff / scale);
    });
    expect(worst).toBeLessThan(1e-6);
    // EDSR x2 has 72 variables. Measured on lavapipe: Adam's step has 1,113 element-wise kernels (the forward and
    // backward passes' own are about 110), FlatAdam's 119, plus 2 concatenations and 72 slices.
    expect(count(flat.kernels, ELEMENTWISE)).toBeLessThan(count(adam.kernels, ELEMENTWISE) / 5);
    expect(flat.kernels.Slice).toBe(72);
    expect(dispatches(flat.kernels)).toBeLessThan(dispatches(adam.kernels) / 2);
  }, 180_000);
});
