/**
 * GPU-machine entry for the baselines issue: (optionally) generates NSKT data with the datagen solver, trains each
 * baseline with `trainBaseline` (the library behind `fieldbench train`), scores it with `runSuperbench` (the library
 * behind `fieldbench run superbench`) next to bicubic, and writes packages + results under --out for the caller to
 * tar into $OUT. Bundled by `npm run bench:gpu packages/superbench/src/device/train-baselines.ts`; the HDF5 worker
 * is bundled beside it (see tools/bundle-gpu.sh).
 *   node .device/app/app.mjs --out /tmp/baselines --generate 16000 --size 2048 --snapshots 24 \
 *     --nets srcnn,edsr --tasks bicubic-x8,bicubic-x16 --epochs 30 --backend webgpu
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateNskt } from "@fieldbench/datagen";
import { isNetName } from "@fieldbench/models/tfjs";
import { getDataset } from "../datasets.js";
import { runSuperbench } from "../run.js";
import { resolveTask } from "../tasks.js";
import { trainBaseline } from "../training.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const out = arg("out", "/tmp/baselines");
  mkdirSync(out, { recursive: true });
  const log = (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    console.log(stamped);
    appendFileSync(join(out, "log.txt"), `${stamped}\n`);
  };
  const backend = arg("backend", "webgpu") as "webgpu" | "wasm" | "cpu";
  let data = arg("data", "");
  const datasetKey = arg("dataset", "nskt_16k");
  const generateRe = Number(arg("generate", "0"));
  if (generateRe > 0) {
    data = join(arg("scratch", "/tmp"), `nskt_re${generateRe}`);
    const started = performance.now();
    const card = await generateNskt({
      out: data,
      re: generateRe,
      size: Number(arg("size", "2048")),
      snapshots: Number(arg("snapshots", "24")),
      seed: Number(arg("seed", "1")),
      backend: backend === "webgpu" ? "webgpu" : "cpu",
      lrFactor: 0,
      onProgress: (done, total, status) => {
        if (status.startsWith("snapshot")) log(`generate ${done}/${total} ${status}`);
      },
    });
    writeFileSync(join(out, "dataset-card.json"), JSON.stringify(card, null, 2));
    log(`generated ${data} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const spec = getDataset(datasetKey);
  const summary: Record<string, unknown>[] = [];
  const tasks = arg("tasks", "bicubic-x8").split(",");
  for (const taskName of tasks) {
    const task = resolveTask(taskName, spec);
    const bicubic = await runSuperbench({ dataset: spec.key, task: task.name, model: "bicubic", data, out: join(out, "results", `${taskName}.bicubic.json`), progressMode: "quiet" });
    summary.push({ task: taskName, model: "bicubic", rfne: bicubic.result.splits.test_1.metrics.rfne });
    log(`${taskName} bicubic rfne test_1 ${bicubic.result.splits.test_1.metrics.rfne}`);
    for (const net of arg("nets", "srcnn").split(",")) {
      if (!isNetName(net)) throw new Error(`unknown net ${net}`);
      const pkg = join(out, "models", `${net}-nskt-x${task.scale}`);
      const trained = await trainBaseline({
        dataRoot: data,
        spec,
        task,
        net,
        backend,
        epochs: Number(arg("epochs", "20")),
        batchSize: Number(arg("batch", "32")),
        cropSize: Number(arg("crop", "128")),
        learningRate: Number(arg(`lr-${net}`, net === "wdsr" ? "2e-4" : "1e-3")),
        seed: 5544,
        out: pkg,
        log: (line) => log(`${net} ${taskName} ${line}`),
      });
      const scored = await runSuperbench({ dataset: spec.key, task: task.name, model: pkg, data, out: join(out, "results", `${taskName}.${net}.json`), progressMode: "quiet" });
      const rfne = scored.result.splits.test_1.metrics.rfne;
      summary.push({ task: taskName, model: net, rfne, rfne2: scored.result.splits.test_2.metrics.rfne, trainSeconds: trained.wallSeconds, bestEpoch: trained.bestEpoch });
      log(`${taskName} ${net} rfne test_1 ${rfne} (best epoch ${trained.bestEpoch + 1}, ${trained.wallSeconds.toFixed(0)} s)`);
      writeFileSync(join(out, "summary.json"), JSON.stringify(summary, null, 2));
    }
  }
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
