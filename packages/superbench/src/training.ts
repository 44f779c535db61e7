import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, hostname } from "node:os";
import { join } from "node:path";
import { FieldbenchError, type Progress, createRng, deriveSeed } from "@fieldbench/core";
import {
  type BackendName,
  NETS,
  type NetConfig,
  type NetName,
  type TrainingBatch,
  type WeightDtype,
  loadLayersModel,
  saveLayersModel,
  trainNet,
  useBackend,
  validationRfne,
  weightFiles,
  weightsSha256 as weightsSha256Of,
} from "@fieldbench/models/tfjs";
import { NET_DESCRIPTORS, netPackageName } from "@fieldbench/models";
import type { DatasetSpec, SplitName } from "./datasets.js";
import { degrade } from "./degrade/index.js";
import { openSplit } from "./reader.js";
import type { Task } from "./tasks.js";

/**
 * SuperBench's training protocol: each epoch visits every training snapshot `cropsPerSnapshot` (8) times, each
 * visit a fresh uniformly random 128² HR crop (no flips, no wrap-around), and makes the LR input from the crop
 * with the task's degradation. Snapshots are read one at a time in a seeded order, so memory holds one snapshot.
 */
export interface CropOptions {
  readonly root: string;
  readonly spec: DatasetSpec;
  readonly task: Task;
  readonly splits: readonly SplitName[];
  readonly cropSize: number;
  readonly cropsPerSnapshot: number;
  readonly batchSize: number;
  /** Seeds crop positions and snapshot order (with the epoch). */
  readonly seed: number;
  /** Caps snapshots per split (validation on a few snapshots keeps epochs short). */
  readonly limit?: number;
  /**
   * Keeps decoded snapshots (HR and LR-sim) across epochs, keyed by split and index. Reading a 3x2048² snapshot
   * costs far more than the few GPU steps its 8 crops feed, so on a GPU the reads bound an epoch; with a cache
   * they are paid once (memory: the split's size, 48 MiB per 3x2048² float32 snapshot).
   */
  readonly cache?: Map<string, Float32Array>;
}

export async function* cropBatches(options: CropOptions): AsyncGenerator<TrainingBatch> {
  const { spec, task, cropSize: size, batchSize } = options;
  const c = spec.channels.length;
  const s = task.scale;
  const lrSize = size / s;
  const [h, w] = spec.hr;
  if (!Number.isInteger(lrSize) || size > h || size > w) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `crop ${size} must be a multiple of the scale ${s} and fit the ${h}x${w} grid`,
    );
  }
  const rng = createRng(options.seed);
  let lr = new Float32Array(batchSize * c * lrSize * lrSize);
  let hr = new Float32Array(batchSize * c * size * size);
  let filled = 0;
  for (const split of options.splits) {
    const reader = await openSplit(options.root, split, spec, { needLr: task.degradation === "lrsim" });
    try {
      const count = Math.min(reader.length, options.limit ?? reader.length);
      const order = shuffled(count, rng);
      for (const index of order) {
        const field = await cached(options.cache, `${split}/${index}/hr`, () => reader.readHr(index));
        const lrField =
          task.degradation === "lrsim"
            ? await cached(options.cache, `${split}/${index}/lr`, () => reader.readLr(index))
            : undefined;
        for (let k = 0; k < options.cropsPerSnapshot; k++) {
          // LR-sim crops start on multiples of s, so HR and LR crops cover the same area (SuperBench's could be 3 px off).
          const step = task.degradation === "lrsim" ? s : 1;
          const y0 = step * rng.int(Math.floor((h - size) / step) + 1);
          const x0 = step * rng.int(Math.floor((w - size) / step) + 1);
          const crop = cropField(field, [c, h, w], y0, x0, size);
          hr.set(crop, filled * c * size * size);
          const low =
            lrField !== undefined
              ? cropField(lrField, [c, h / s, w / s], y0 / s, x0 / s, lrSize)
              : degrade(task.degradation as Exclude<Task["degradation"], "lrsim">, crop, [c, size, size], {
                  scale: s,
                  ...(task.noiseRatio === undefined
                    ? {}
                    : {
                        ratio: task.noiseRatio,
                        std: spec.std,
                        seed: deriveSeed(spec.key, split, index, options.seed, k),
                      }),
                });
          lr.set(low, filled * c * lrSize * lrSize);
          filled++;
          if (filled === batchSize) {
            yield { lr, hr, lrShape: [batchSize, c, lrSize, lrSize] };
            lr = new Float32Array(lr.length);
            hr = new Float32Array(hr.length);
            filled = 0;
          }
        }
      }
    } finally {
      await reader.close();
    }
  }
  if (filled > 0) {
    yield {
      lr: lr.slice(0, filled * c * lrSize * lrSize),
      hr: hr.slice(0, filled * c * size * size),
      lrShape: [filled, c, lrSize, lrSize],
    };
  }
}

async function cached(
  cache: Map<string, Float32Array> | undefined,
  key: string,
  read: () => Promise<Float32Array>,
): Promise<Float32Array> {
  const hit = cache?.get(key);
  if (hit !== undefined) return hit;
  const value = await read();
  cache?.set(key, value);
  return value;
}

function shuffled(n: number, rng: ReturnType<typeof createRng>): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** [C, H, W] -> [C, size, size] window at (y0, x0). */
export function cropField(
  field: Float32Array,
  [c, h, w]: readonly number[],
  y0: number,
  x0: number,
  size: number,
): Float32Array {
  const out = new Float32Array((c as number) * size * size);
  for (let ch = 0; ch < (c as number); ch++)
    for (let y = 0; y < size; y++) {
      const src = (ch * (h as number) + y0 + y) * (w as number) + x0;
      out.set(field.subarray(src, src + size), (ch * size + y) * size);
    }
  return out;
}

export interface TrainBaselineOptions {
  readonly dataRoot: string;
  readonly spec: DatasetSpec;
  readonly task: Task;
  readonly net: NetName;
  readonly backend: BackendName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly out: string;
  readonly resume?: boolean;
  readonly cropSize?: number;
  readonly cropsPerSnapshot?: number;
  /** Snapshots per split used for training/validation (all by default). */
  readonly limit?: number;
  readonly validationLimit?: number;
  /** Keep decoded snapshots in memory across epochs (see CropOptions.cache); worth it on a GPU. */
  readonly cacheSnapshots?: boolean;
  /** Wall-clock training budget in seconds (see TrainOptions.maxSeconds). */
  readonly maxSeconds?: number;
  /** FNO only: learn the correction to the bicubic pre-upsampled input (NetSpec.globalSkip). */
  readonly globalSkip?: boolean;
  /** Adam implementation (TrainOptions.optimizer); default flat-adam. */
  readonly optimizer?: "flat-adam" | "adam";
  /**
   * How the package stores its weights: "auto" (default) keeps float16 when that moves the validation RFNE by less
   * than FLOAT16_RFNE_TOLERANCE relative, else float32; or either dtype outright.
   */
  readonly weightDtype?: "auto" | WeightDtype;
  readonly progress?: (epoch: number, total: number) => Progress;
  readonly log?: (line: string) => void;
}

export interface TrainBaselineOutcome {
  readonly packageDir: string;
  readonly bestValidLoss: number;
  readonly bestEpoch: number;
  readonly wallSeconds: number;
  readonly backendDetail: string;
}

/** `fieldbench train`: trains a baseline and writes it as a model package (package.json, model.json, weights, card). */
export async function trainBaseline(options: TrainBaselineOptions): Promise<TrainBaselineOutcome> {
  const started = performance.now();
  const { spec, task, net } = options;
  const { detail } = await useBackend(options.backend);
  const cropSize = options.cropSize ?? Math.min(128, spec.hr[0], spec.hr[1]);
  const cropsPerSnapshot = options.cropsPerSnapshot ?? 8;
  const config = {
    net,
    channels: spec.channels.length,
    scale: task.scale,
    normalization: { mean: spec.mean, std: spec.std },
    ...(options.globalSkip === true ? { globalSkip: true } : {}),
  };
  const checkpoints = join(options.out, "checkpoints");
  const common = { root: options.dataRoot, spec, task, cropSize, batchSize: options.batchSize };
  const trainCount = await countCrops(options, "train", cropsPerSnapshot);
  const cache = options.cacheSnapshots === true ? new Map<string, Float32Array>() : undefined;
  // The same validation crops every epoch (SuperBench re-drew them, which made model selection noisy).
  const validationBatches = () =>
    cropBatches({
      ...common,
      splits: ["valid_1", "valid_2"],
      cropsPerSnapshot: 2,
      seed: deriveSeed(options.seed, "valid"),
      ...(cache === undefined ? {} : { cache }),
      limit: options.validationLimit ?? 8,
    });
  const { state } = await trainNet({
    config,
    epochs: options.epochs,
    learningRate: options.learningRate,
    seed: options.seed,
    checkpointDir: checkpoints,
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    ...(options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds }),
    ...(options.optimizer === undefined ? {} : { optimizer: options.optimizer }),
    trainBatches: (epoch) =>
      cropBatches({
        ...common,
        splits: ["train"],
        cropsPerSnapshot,
        seed: deriveSeed(options.seed, "train", epoch),
        ...(cache === undefined ? {} : { cache }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      }),
    validationBatches,
    ...(options.progress === undefined ? {} : { progress: (epoch: number) => options.progress!(epoch, trainCount) }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const weights = await chooseWeights(
    options.weightDtype ?? "auto",
    join(checkpoints, "best"),
    config,
    validationBatches,
  );
  const packageDir = await writeModelPackage(options, weights, config, state, detail, wallSeconds, cropSize);
  return {
    packageDir,
    bestValidLoss: state.bestValidLoss,
    bestEpoch: state.bestEpoch,
    wallSeconds,
    backendDetail: detail,
  };
}

async function countCrops(options: TrainBaselineOptions, split: SplitName, cropsPerSnapshot: number): Promise<number> {
  const reader = await openSplit(options.dataRoot, split, options.spec, {
    needLr: options.task.degradation === "lrsim",
  });
  const n = Math.min(reader.length, options.limit ?? reader.length);
  await reader.close();
  return n * cropsPerSnapshot;
}

/** Relative change of validation RFNE below which float16 weights replace float32 ones (half the bytes). */
export const FLOAT16_RFNE_TOLERANCE = 1e-4;

interface WeightChoice {
  readonly dir: string;
  readonly dtype: WeightDtype;
  /** Validation RFNE of the best checkpoint in each dtype, when both were measured. */
  readonly rfne?: { readonly float32: number; readonly float16: number };
}

/** Saves the best checkpoint in float16 too and keeps it when it scores like float32 on the validation crops. */
async function chooseWeights(
  choice: "auto" | WeightDtype,
  best: string,
  config: NetConfig,
  validationBatches: () => AsyncIterable<TrainingBatch>,
): Promise<WeightChoice> {
  if (choice === "float32") return { dir: best, dtype: "float32" };
  const halfDir = `${best}-float16`;
  await rm(halfDir, { recursive: true, force: true });
  const full = await loadLayersModel(best);
  try {
    await saveLayersModel(full, halfDir, { dtype: "float16" });
    if (choice === "float16") return { dir: halfDir, dtype: "float16" };
    const half = await loadLayersModel(halfDir);
    try {
      const rfne = {
        float32: await validationRfne(full, validationBatches(), config),
        float16: await validationRfne(half, validationBatches(), config),
      };
      const keepHalf = Math.abs(rfne.float16 - rfne.float32) < FLOAT16_RFNE_TOLERANCE * rfne.float32;
      return { dir: keepHalf ? halfDir : best, dtype: keepHalf ? "float16" : "float32", rfne };
    } finally {
      half.dispose();
    }
  } finally {
    full.dispose();
  }
}

function describeWeights(w: WeightChoice): string {
  if (w.rfne === undefined) return `${w.dtype} (chosen by the trainer's caller)`;
  const change = Math.abs(w.rfne.float16 - w.rfne.float32) / w.rfne.float32;
  return (
    `${w.dtype}: validation RFNE ${w.rfne.float32.toPrecision(6)} in float32, ${w.rfne.float16.toPrecision(6)} in ` +
    `float16, a relative change of ${change.toExponential(2)} (float16 is kept below ${FLOAT16_RFNE_TOLERANCE})`
  );
}

async function writeModelPackage(
  options: TrainBaselineOptions,
  weights: WeightChoice,
  config: NetConfig,
  state: { epochsDone: number; bestValidLoss: number; bestEpoch: number; history: readonly unknown[] },
  backendDetail: string,
  wallSeconds: number,
  cropSize: number,
): Promise<string> {
  const dir = options.out;
  await mkdir(dir, { recursive: true });
  const files = await weightFiles(weights.dir);
  for (const file of ["model.json", ...files]) await cp(join(weights.dir, file), join(dir, file));
  const name = netPackageName(config.net, options.spec.key, options.task.name);
  const weightsSha256 = await weightsSha256Of(dir);
  const pkg = {
    name,
    version: "1.0.0",
    description: `${config.net.toUpperCase()} baseline for SuperBench ${options.spec.key} ${options.task.name}, trained by fieldbench`,
    license: "MIT",
    fieldbench: {
      kind: "tfjs",
      entry: "model.json",
      net: config.net,
      channels: config.channels,
      scale: config.scale,
      normalization: config.normalization,
      dataset: options.spec.key,
      task: options.task.name,
      weightsSha256,
      // A net whose tile depends on its training crop (FNO's Fourier modes) runs on tiles of the crops it saw.
      ...(NET_DESCRIPTORS[config.net].recordsTile === true
        ? { tile: NET_DESCRIPTORS[config.net].tile(config.scale, cropSize) }
        : {}),
      ...(config.globalSkip === true ? { globalSkip: true } : {}),
    },
  };
  await writeFile(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const log = {
    ...state,
    weights: { dtype: weights.dtype, ...(weights.rfne === undefined ? {} : { validationRfne: weights.rfne }) },
  };
  await writeFile(join(dir, "training-log.json"), `${JSON.stringify(log, null, 2)}\n`);
  const card = [
    `# ${name}`,
    "",
    `${NETS[config.net].info.loss === "meanSquaredError" ? "MSE" : "L1"}-trained ${config.net} for x${config.scale} super-resolution of ${options.spec.key} (${options.spec.channels.map((c) => c.name).join(", ")}), task ${options.task.name}.`,
    "",
    "| | |",
    "| --- | --- |",
    `| training data | ${options.dataRoot} (train split${options.limit === undefined ? "" : `, first ${options.limit} snapshots`}; validation on valid_1 + valid_2) |`,
    `| crops | ${cropSize}² HR, ${options.cropsPerSnapshot ?? 8} per snapshot per epoch, LR by the task's degradation |`,
    `| optimiser | Adam (${options.optimizer === "adam" ? "tf.train.adam" : "FlatAdam"}), learning rate ${options.learningRate}, batch ${options.batchSize}, ${state.epochsDone} of ${options.epochs} epochs${options.maxSeconds === undefined ? "" : ` (time budget ${options.maxSeconds} s)`}, seed ${options.seed} |`,
    `| loss | ${NETS[config.net].info.loss} on z-scored fields |`,
    ...(config.globalSkip === true
      ? [
          "| architecture | SuperBench's FNO2d plus a global skip: output = bicubic pre-upsampled input + FNO (same parameters) |",
        ]
      : []),
    `| best epoch | ${state.bestEpoch + 1} (validation loss ${state.bestValidLoss.toPrecision(4)}) |`,
    `| hardware | ${backendDetail}; host ${hostname()}, ${cpus().length} CPU cores |`,
    `| wall time | ${wallSeconds.toFixed(1)} s |`,
    `| weights | ${files.join(", ")}${files.length > 1 ? " (concatenated)" : ""}, sha256 ${weightsSha256}; ${describeWeights(weights)} |`,
    "",
    "Scores: run `fieldbench run superbench --model <this directory>`; result files live under leaderboards/.",
    "",
  ].join("\n");
  await writeFile(join(dir, "README.md"), card);
  return dir;
}
