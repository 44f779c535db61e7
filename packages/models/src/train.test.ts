import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import type * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng, isFieldbenchError } from "@fieldbench/core";
import { registerWasmTrainingKernels } from "./backends/wasm-kernels.js";
import { NETS } from "./nets/nets.js";
import { type NetConfig, netInput, toNhwc } from "./tfjs-model.js";
import { type TrainOptions, type TrainingBatch, trainNet, withSeededRandom } from "./train.js";

beforeAll(async () => {
  tf.enableProdMode();
  registerWasmTrainingKernels();
  await tf.setBackend("wasm");
});

const config: NetConfig = { net: "srcnn", channels: 1, scale: 2, normalization: { mean: [0], std: [1] } };

/** Three batches of sizes 2, 2, 1 (unequal, so a per-batch mean of means would differ from the per-sample mean). */
function batchesOf(epoch: number): TrainingBatch[] {
  const rng = createRng(100 + epoch);
  return [2, 2, 1].map((n) => ({
    lr: Float32Array.from({ length: n * 8 * 8 }, () => rng.normal()),
    hr: Float32Array.from({ length: n * 16 * 16 }, () => rng.normal()),
    lrShape: [n, 1, 8, 8] as const,
  }));
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

function options(dir: string, epochs: number, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    config,
    epochs,
    learningRate: 1e-2,
    seed: 5,
    trainBatches: (epoch) => iterate(batchesOf(epoch)),
    validationBatches: () => iterate(batchesOf(99)),
    checkpointDir: dir,
    ...extra,
  };
}

async function weightsOf(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

function maxRelativeDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((wa, k) => {
    const wb = b[k] as Float32Array;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < wa.length; i++) {
      diff = Math.max(diff, Math.abs((wa[i] as number) - (wb[i] as number)));
      scale = Math.max(scale, Math.abs(wa[i] as number));
    }
    worst = Math.max(worst, diff / scale);
  });
  return worst;
}

describe("trainNet with the lean step", () => {
  it("ends an epoch at trainOnBatch's weights and records its sample-weighted mean loss", async () => {
    const { model, state } = await trainNet(options(mkdtempSync(join(tmpdir(), "fb-trainnet-")), 1));

    // Reference: tfjs-layers' own loop over the same batches from the same seeded initial weights.
    const reference = withSeededRandom(5, () => NETS.srcnn.build({ channels: 1, scale: 2 }));
    reference.compile({ optimizer: tf.train.adam(1e-2), loss: "meanAbsoluteError" });
    let sum = 0;
    let samples = 0;
    for (const batch of batchesOf(0)) {
      const x = netInput(batch.lr, batch.lrShape, config);
      const y = toNhwc(batch.hr, [batch.lrShape[0], 1, 16, 16]);
      sum += ((await reference.trainOnBatch(x, y)) as number) * batch.lrShape[0];
      samples += batch.lrShape[0];
      tf.dispose([x, y]);
    }
    expect(samples).toBe(5);
    const trainLoss = state.history[0]?.trainLoss as number;
    expect(Math.abs(trainLoss - sum / samples) / (sum / samples)).toBeLessThan(1e-5);
    expect(maxRelativeDifference(await weightsOf(reference), await weightsOf(model))).toBeLessThan(1e-5);
    model.dispose();
    reference.dispose();
  });

  it("resumes from a checkpoint to the same weights and history as an uninterrupted run", async () => {
    const straight = await trainNet(options(mkdtempSync(join(tmpdir(), "fb-trainnet-")), 2, { lossReadEvery: 1 }));
    const dir = mkdtempSync(join(tmpdir(), "fb-trainnet-"));
    (await trainNet(options(dir, 1))).model.dispose();
    const resumed = await trainNet(options(dir, 2, { resume: true }));
    expect(resumed.state.epochsDone).toBe(2);
    const [a, b] = [straight.state.history, resumed.state.history];
    for (let e = 0; e < 2; e++) {
      expect(b[e]?.trainLoss).toBeCloseTo(a[e]?.trainLoss as number, 5);
      expect(b[e]?.validLoss).toBeCloseTo(a[e]?.validLoss as number, 5);
    }
    expect(maxRelativeDifference(await weightsOf(straight.model), await weightsOf(resumed.model))).toBeLessThan(1e-5);
    straight.model.dispose();
    resumed.model.dispose();
  });

  it("with a spent time budget still runs one epoch, then stops, and a later call resumes past it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fb-trainnet-"));
    const lines: string[] = [];
    const first = await trainNet(options(dir, 5, { maxSeconds: 0, log: (l) => lines.push(l) }));
    expect(first.state.epochsDone).toBe(1);
    expect(first.state.history).toHaveLength(1);
    expect(lines.some((l) => l.includes("time budget of 0 s"))).toBe(true);
    first.model.dispose();
    const more = await trainNet(options(dir, 5, { resume: true, maxSeconds: 0 }));
    expect(more.state.epochsDone).toBe(2);
    more.model.dispose();
  });

  it("stops with WORK_FAILED when the loss is not finite, even between loss reads", async () => {
    const poisoned = (epoch: number) =>
      iterate(
        batchesOf(epoch).map((b, i) => (i === 0 ? { ...b, hr: new Float32Array(b.hr.length).fill(Number.NaN) } : b)),
      );
    const dir = mkdtempSync(join(tmpdir(), "fb-trainnet-"));
    const err = await trainNet(options(dir, 1, { trainBatches: poisoned, lossReadEvery: 10 })).catch((e) => e);
    expect(isFieldbenchError(err) && err.code === "WORK_FAILED").toBe(true);
    expect(String(err.message)).toMatch(/diverged at epoch 0/);
  });

  it("holds as many tensors after 3 epochs as after 1 (nothing accumulates per step or epoch)", async () => {
    const held: number[] = [];
    for (const epochs of [1, 3]) {
      const before = tf.memory().numTensors;
      const { model } = await trainNet(
        options(mkdtempSync(join(tmpdir(), "fb-trainnet-")), epochs, { lossReadEvery: 2 }),
      );
      held.push(tf.memory().numTensors - before);
      model.dispose();
    }
    expect(held[1]).toBe(held[0]);
  });
});
