import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "@fieldbench/core";
import { useBackend } from "./backends/select.js";
import { FlatAdamOptimizer, flatAdam } from "./flat-adam.js";
import { NETS } from "./nets/nets.js";
import { withSeededRandom } from "./train.js";
import { createTrainStep } from "./train-step.js";

beforeAll(async () => {
  await useBackend("wasm");
});

function batch(seed: number): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const rng = createRng(seed);
  const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return { x: tf.tensor4d(values(2 * 4 * 4 * 2), [2, 4, 4, 2]), y: tf.tensor4d(values(2 * 8 * 8 * 2), [2, 8, 8, 2]) };
}

/** EDSR at x2 on 2 channels (72 variables), trained `steps` steps from seed 7 with `optimizer`. */
async function train(optimizer: tf.Optimizer, steps: number, first = 0) {
  const model = withSeededRandom(7, () => NETS.edsr.build({ channels: 2, scale: 2 }));
  const step = createTrainStep(model, optimizer, "meanAbsoluteError");
  for (let s = first; s < first + steps; s++) {
    const { x, y } = batch(s);
    tf.dispose([step(x, y), x, y]);
  }
  return model;
}

/** Index of the first element whose bits differ (-1 when none): Float32Array deep-equality is slow at 1M elements. */
function firstDifference(a: Float32Array | undefined, b: Float32Array | undefined): number {
  if (a === undefined || b === undefined || a.length !== b.length) return 0;
  const [ua, ub] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

async function valuesOf(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
}

describe("FlatAdamOptimizer", () => {
  it("gives weights and moments bit-identical to tf.train.adam after 4 steps of EDSR (72 variables)", async () => {
    const reference = tf.train.adam(1e-3);
    const flat = flatAdam(1e-3);
    const a = await train(reference, 4);
    const b = await train(flat, 4);
    expect(a.trainableWeights).toHaveLength(72);
    const untrained = withSeededRandom(7, () => NETS.edsr.build({ channels: 2, scale: 2 }));
    const initial = await valuesOf(untrained.getWeights());
    untrained.dispose();
    const [wa, wb] = [await valuesOf(a.getWeights()), await valuesOf(b.getWeights())];
    for (let i = 0; i < wa.length; i++) expect(firstDifference(wb[i], wa[i]), `tensor ${i}`).toBe(-1);
    // The steps moved every tensor (so equal means equal updates, not no updates).
    for (let i = 0; i < wa.length; i++) expect(firstDifference(wb[i], initial[i]), `tensor ${i}`).not.toBe(-1);
    const [ma, mb] = [await reference.getWeights(), await flat.getWeights()];
    expect(mb.map((w) => w.name.replace(/.*?(\/[mv])$/, "$1"))).toEqual(
      ma.map((w) => w.name.replace(/.*?(\/[mv])$/, "$1")),
    );
    expect(mb.map((w) => w.tensor.shape)).toEqual(ma.map((w) => w.tensor.shape));
    const [va, vb] = [await valuesOf(ma.map((w) => w.tensor)), await valuesOf(mb.map((w) => w.tensor))];
    for (let i = 0; i < va.length; i++) expect(firstDifference(vb[i], va[i]), `tensor ${i}`).toBe(-1);
    a.dispose();
    b.dispose();
  });

  it("resumes from tf.train.adam's checkpoint exactly as tf.train.adam itself resumes, and hands its state back", async () => {
    // Two steps with Adam, its state saved; two more steps with a fresh Adam and with a FlatAdam from that state.
    // (A resumed Adam is not bit-identical to an uninterrupted one: setWeights recomputes beta^t with pow.)
    const resumeWith = async (optimizer: tf.Optimizer) => {
      const first = tf.train.adam(1e-3);
      const model = await train(first, 2);
      await optimizer.setWeights(await first.getWeights());
      const step = createTrainStep(model, optimizer, "meanAbsoluteError");
      for (let s = 2; s < 4; s++) {
        const { x, y } = batch(s);
        tf.dispose([step(x, y), x, y]);
      }
      return model;
    };
    const viaAdam = await resumeWith(tf.train.adam(1e-3));
    const flat = new FlatAdamOptimizer(1e-3, 0.9, 0.999);
    const viaFlat = await resumeWith(flat);
    const [wa, wf] = [await valuesOf(viaAdam.getWeights()), await valuesOf(viaFlat.getWeights())];
    for (let i = 0; i < wa.length; i++) expect(firstDifference(wf[i], wa[i]), `tensor ${i}`).toBe(-1);
    // FlatAdam's state loads into Adam unchanged.
    const back = tf.train.adam(1e-3);
    await back.setWeights(await flat.getWeights());
    const [mf, mb] = [await flat.getWeights(), await back.getWeights()];
    expect(mb.map((w) => w.name)).toEqual(mf.map((w) => w.name));
    const [vf, vb] = [await valuesOf(mf.map((w) => w.tensor)), await valuesOf(mb.map((w) => w.tensor))];
    for (let i = 0; i < vf.length; i++) expect(firstDifference(vb[i], vf[i]), `tensor ${i}`).toBe(-1);
    viaAdam.dispose();
    viaFlat.dispose();
  });

  it("refuses a step over different variables than its moments were made for", async () => {
    const flat = flatAdam(1e-3);
    const a = tf.variable(tf.ones([3]));
    const b = tf.variable(tf.ones([4]));
    flat.applyGradients([{ name: a.name, tensor: tf.ones([3]) }]);
    expect(() => flat.applyGradients([{ name: b.name, tensor: tf.ones([4]) }])).toThrow(/variables differ/);
    tf.dispose([a, b]);
  });
});
