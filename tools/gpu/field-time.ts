/**
 * GPU job `field-time`: the wall time of one full-size inference by a model package, the number the baselines' cards
 * report next to their scores ("2048² inference, ms"). It times what `fieldbench run superbench` does for one field:
 * the suite's own LR (makeLowRes: the task's degradation, or LR_fields for lrsim) through the suite's tiling
 * (predictSnapshot), median of 3 runs after a warm-up. Training and scoring are the CLI's (`train`, `run superbench`).
 *   node .device/app/app.mjs job field-time --model models/srcnn-nskt-x8 --dataset nskt_16k --task bicubic-x8 \
 *     --data gpu-data/nskt_re16000_n2048 [--backend webgpu] [--split test_1] [--index 0]
 * Prints one JSON line: {model, dataset, task, split, index, backend, shape, runsMs, medianMs}.
 */
import { parseArgs } from "node:util";
import { createModel } from "../../packages/models/src/index.js";
import { useBackend } from "../../packages/models/src/backends/select.js";
import { getDataset } from "../../packages/superbench/src/datasets.js";
import { makeLowRes, predictSnapshot } from "../../packages/superbench/src/evaluate.js";
import { openSplit } from "../../packages/superbench/src/reader.js";
import { resolveTask } from "../../packages/superbench/src/tasks.js";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    dataset: { type: "string", default: "nskt_16k" },
    task: { type: "string", default: "bicubic-x8" },
    data: { type: "string" },
    backend: { type: "string", default: "webgpu" },
    split: { type: "string", default: "test_1" },
    index: { type: "string", default: "0" },
  },
});
if (values.model === undefined || values.data === undefined) {
  console.error("field-time: --model PACKAGE_DIR and --data DATASET_DIR are required");
  process.exit(2);
}

const backend = await useBackend(values.backend);
const spec = getDataset(values.dataset);
const task = resolveTask(values.task, spec);
if (values.split !== "test_1" && values.split !== "test_2") {
  console.error(`field-time: --split must be test_1 or test_2, got ${values.split}`);
  process.exit(2);
}
const split = values.split;
const index = Number(values.index);
const reader = await openSplit(values.data, split, spec, { needLr: task.degradation === "lrsim" });
const hr = await reader.readHr(index);
const lrSim = task.degradation === "lrsim" ? await reader.readLr(index) : undefined;
await reader.close();
const { lr, shape } = makeLowRes({ spec, task, split, index, hr, ...(lrSim ? { lr: lrSim } : {}) });
const model = await createModel(values.model, { scale: task.scale, channels: spec.channels.length });
await predictSnapshot(model, lr, shape, task.scale);
const runsMs: number[] = [];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  await predictSnapshot(model, lr, shape, task.scale);
  runsMs.push(performance.now() - t0);
}
const medianMs = [...runsMs].sort((a, b) => a - b)[1];
console.log(
  JSON.stringify({
    model: values.model,
    dataset: spec.key,
    task: task.name,
    split,
    index,
    backend: backend.detail,
    shape,
    runsMs,
    medianMs,
  }),
);
process.exit(0);
