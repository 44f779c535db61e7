/**
 * GPU-machine entry for the baselines issue: (optionally) generates NSKT data with the datagen solver, trains
 * baselines with `trainBaseline` (the library behind `fieldbench train`), scores each with `runSuperbench` (the
 * library behind `fieldbench run superbench`) next to bicubic, times the shipped model on one full 2048² field,
 * and writes packages + results under --out for the caller to tar into $OUT. One process per net and task runs
 * them side by side on one GPU: tfjs-webgpu's step is bound by host work, so processes overlap on the card.
 * Bundled by tools/bundle-gpu.sh (dispatcher tools/gpu-main.ts, command `train`).
 *   node .device/app/app.mjs train --out /tmp/b --data gpu-data/nskt_re16000_n2048 --nets srcnn \
 *     --tasks bicubic-x8 --epochs 1000 --seconds 300 --crops 64 --backend webgpu
 * Also: --global-skip (FNO learns the correction to bicubic), --optimizer adam (tf.train.adam instead of FlatAdam,
 * the reference of the kernel check), --resume (continue from --out's checkpoints).
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateNskt } from "@fieldbench/datagen";
import { createModel } from "@fieldbench/models";
import { isNetName, useBackend } from "@fieldbench/models/tfjs";
import { getDataset } from "../datasets.js";
import { makeLowRes, predictSnapshot } from "../evaluate.js";
import { openSplit } from "../reader.js";
import { runSuperbench } from "../run.js";
import { resolveTask } from "../tasks.js";
import { trainBaseline } from "../training.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? (process.argv[i + 1] as string) : fallback;
}

const flag = (name: string) => process.argv.includes(`--${name}`);

async function main(): Promise<void> {
  const out = arg("out", "/tmp/baselines");
  mkdirSync(out, { recursive: true });
  const tag = arg("tag", `${arg("nets", "srcnn")}.${arg("tasks", "bicubic-x8")}`.replaceAll(",", "+"));
  const log = (line: string) => {
    const stamped = `${new Date().toISOString()} [${tag}] ${line}`;
    console.log(stamped);
    appendFileSync(join(out, "log.txt"), `${stamped}\n`);
  };
  const backend = arg("backend", "webgpu") as "webgpu" | "wasm" | "cpu";
  let data = arg("data", "");
  const datasetKey = arg("dataset", "nskt_16k");
  const generateRe = Number(arg("generate", "0"));
  if (generateRe > 0 && !existsSync(join(data || "/nonexistent", "test_2"))) {
    data ||= join(arg("scratch", "/tmp"), `nskt_re${generateRe}`);
    const started = performance.now();
    const card = await generateNskt({
      out: data,
      re: generateRe,
      size: Number(arg("size", "2048")),
      snapshots: Number(arg("snapshots", "20")),
      seed: Number(arg("seed", "1")),
      backend: backend === "webgpu" ? "webgpu" : "cpu",
      lrFactor: Number(arg("lr-factor", "4")),
      onProgress: (done, total, status) => {
        if (status.startsWith("snapshot")) log(`generate ${done}/${total} ${status}`);
      },
    });
    writeFileSync(join(out, `dataset-card.re${generateRe}.json`), JSON.stringify(card, null, 2));
    log(`generated ${data} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const spec = getDataset(datasetKey);
  const summary: Record<string, unknown>[] = [];
  const writeSummary = () => writeFileSync(join(out, `summary.${tag}.json`), JSON.stringify(summary, null, 2));
  for (const taskName of arg("tasks", "bicubic-x8").split(",")) {
    const task = resolveTask(taskName, spec);
    if (flag("bicubic")) {
      const bicubic = await runSuperbench({
        dataset: spec.key,
        task: task.name,
        model: "bicubic",
        data,
        out: join(out, "results", `${taskName}.bicubic.json`),
        progressMode: "quiet",
      });
      const m = bicubic.result.splits;
      summary.push({ task: taskName, model: "bicubic", rfne: m.test_1.metrics.rfne, rfne2: m.test_2.metrics.rfne });
      log(`${taskName} bicubic rfne test_1 ${m.test_1.metrics.rfne} test_2 ${m.test_2.metrics.rfne}`);
      writeSummary();
    }
    for (const net of arg("nets", "").split(",").filter(Boolean)) {
      if (!isNetName(net)) throw new Error(`unknown net ${net}`);
      const pkg = join(arg("models", join(out, "models")), `${net}-nskt-x${task.scale}`);
      if (flag("score-only")) {
        await useBackend(backend);
        const row: Record<string, unknown> = { task: taskName, model: net, package: pkg };
        summary.push(row);
        await score(row, pkg, data, spec, task, out, log);
        writeSummary();
        continue;
      }
      const seconds = arg("seconds", "");
      const trained = await trainBaseline({
        dataRoot: data,
        spec,
        task,
        net,
        backend,
        epochs: Number(arg("epochs", "20")),
        batchSize: Number(arg("batch", "32")),
        cropSize: Number(arg("crop", "128")),
        cropsPerSnapshot: Number(arg("crops", "8")),
        learningRate: Number(arg(`lr-${net}`, net === "wdsr" ? "2e-4" : "1e-3")),
        seed: Number(arg("train-seed", "5544")),
        cacheSnapshots: true,
        ...(flag("resume") ? { resume: true } : {}),
        ...(flag("global-skip") ? { globalSkip: true } : {}),
        ...(arg("optimizer", "") === "adam" ? { optimizer: "adam" as const } : {}),
        ...(seconds === "" ? {} : { maxSeconds: Number(seconds) }),
        out: pkg,
        log: (line) => log(`${net} ${taskName} ${line}`),
      });
      const row: Record<string, unknown> = {
        task: taskName,
        model: net,
        bestValidLoss: trained.bestValidLoss,
        trainSeconds: trained.wallSeconds,
        bestEpoch: trained.bestEpoch,
        backend: trained.backendDetail,
      };
      summary.push(row);
      writeSummary();
      if (flag("no-score")) continue;
      await score(row, pkg, data, spec, task, out, log);
      writeSummary();
    }
  }
}

/** Times the package on one full field, then scores it with runSuperbench; fills `row`. */
async function score(
  row: Record<string, unknown>,
  pkg: string,
  data: string,
  spec: ReturnType<typeof getDataset>,
  task: ReturnType<typeof resolveTask>,
  out: string,
  log: (line: string) => void,
): Promise<void> {
  row.infer2048Ms = await timeFullField(pkg, data, spec, task);
  const scored = await runSuperbench({
    dataset: spec.key,
    task: task.name,
    model: pkg,
    data,
    out: join(out, "results", `${row.task}.${row.model}.json`),
    progressMode: "quiet",
  });
  row.rfne = scored.result.splits.test_1.metrics.rfne;
  row.rfne2 = scored.result.splits.test_2.metrics.rfne;
  log(
    `${row.task} ${row.model} rfne test_1 ${row.rfne} test_2 ${row.rfne2} ` +
      `(2048² inference ${(row.infer2048Ms as number).toFixed(0)} ms)`,
  );
}

/** Median wall time (ms, 3 runs after a warm-up) of the shipped package on test_1's first field, tiled as the suite runs it. */
async function timeFullField(
  pkg: string,
  data: string,
  spec: ReturnType<typeof getDataset>,
  task: ReturnType<typeof resolveTask>,
): Promise<number> {
  const reader = await openSplit(data, "test_1", spec, { needLr: task.degradation === "lrsim" });
  const hr = await reader.readHr(0);
  const lrSim = task.degradation === "lrsim" ? await reader.readLr(0) : undefined;
  await reader.close();
  // The LR the suite itself feeds the model (makeLowRes: any task's degradation, or LR_fields for lrsim).
  const { lr, shape } = makeLowRes({ spec, task, split: "test_1", index: 0, hr, ...(lrSim ? { lr: lrSim } : {}) });
  const model = await createModel(pkg, { scale: task.scale, channels: spec.channels.length });
  await predictSnapshot(model, lr, shape, task.scale);
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await predictSnapshot(model, lr, shape, task.scale);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1] as number;
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
