// Training-step bench on the CPU (wasm backend): ms per SRCNN step (batch 8 of 32², Adam, L1) with tfjs-layers'
// `trainOnBatch` (the reference: stock tfjs, measured in this run) against fieldbench's lean step
// (`createTrainStep`: optimizer.minimize over the graph, loss left on the device, read once per timed block).
// On the CPU the kernels dominate, so the ratio here bounds what the lean step saves in host work; the GPU
// machine's share of host overhead is measured by tools/gpu/bench.ts. Env: TRAIN_STEP_BENCH_STEPS (steps per timed block, 5; 5 alternating rounds).
import * as tf from "@tensorflow/tfjs-core";
import { NETS, createTrainStep, useBackend, withSeededRandom } from "@fieldbench/models/tfjs";
import { median } from "../../../tools/bench-kit.mjs";

const steps = Number(process.env.TRAIN_STEP_BENCH_STEPS ?? 5);
const batch = 8;
const size = 32;
const { detail } = await useBackend("wasm");

function model() {
  return withSeededRandom(1, () => NETS.srcnn.build({ channels: 1, scale: 2 }));
}

const x = tf.randomNormal([batch, size, size, 1], 0, 1, "float32", 1);
const y = tf.randomNormal([batch, size, size, 1], 0, 1, "float32", 2);
const rounds = 5;

/** One timed block of `steps` steps; only the last one reads the loss back (what trainNet does per k steps). */
async function block(step) {
  const t0 = performance.now();
  for (let i = 0; i < steps - 1; i++) await step(false);
  await step(true);
  return (performance.now() - t0) / steps;
}

const stock = model();
stock.compile({ optimizer: tf.train.adam(1e-4), loss: "meanAbsoluteError" });
const stockStep = () => stock.trainOnBatch(x, y);

const lean = model();
const leanStep = createTrainStep(lean, tf.train.adam(1e-4), "meanAbsoluteError");
const leanRead = async (read) => {
  const loss = leanStep(x, y);
  if (read) await loss.data();
  loss.dispose();
};

// Warm-up (Adam's moments are created on the first step), then blocks alternate so that load from other
// processes on a shared machine falls on both paths alike; medians over the rounds.
for (let i = 0; i < 2; i++) {
  await stockStep();
  await leanRead(true);
}
const stockTimes = [];
const leanTimes = [];
for (let r = 0; r < rounds; r++) {
  globalThis.gc?.();
  stockTimes.push(await block(stockStep));
  globalThis.gc?.();
  leanTimes.push(await block(leanRead));
}
const stockMs = median(stockTimes);
const leanMs = median(leanTimes);

const before = tf.memory().numTensors;
for (let i = 0; i < 3; i++) leanStep(x, y).dispose();
const leaked = tf.memory().numTensors - before;

console.log(`backend: ${detail}; SRCNN (9-5-5, 64/32 ch, 1 channel), batch ${batch} of ${size}², Adam, L1\n`);
console.log("| what | lean step (ms/step) | trainOnBatch (ms/step) | ratio (lean / trainOnBatch) |");
console.log("| --- | --- | --- | --- |");
console.log(
  `| SRCNN train step, ${batch} x ${size}² | ${leanMs.toFixed(1)} | ${stockMs.toFixed(1)} | ${(leanMs / stockMs).toFixed(3)} |`,
);
console.log(`\ntensors left behind by 3 lean steps: ${leaked}`);
