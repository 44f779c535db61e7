import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { FieldbenchError, type Progress, createRng, writeFileAtomic } from "@fieldbench/core";
import { flatAdam } from "./flat-adam.js";
import { NETS } from "./nets/nets.js";
import { type TrainStep, createTrainStep } from "./train-step.js";
import { type NetConfig, netInput, normalizeBatch, toNhwc } from "./tfjs-model.js";
import { loadLayersModel, saveLayersModel } from "./weights-io.js";

/** One batch of training pairs in physical units: LR [N, C, h, w] and HR [N, C, h*s, w*s]. */
export interface TrainingBatch {
  readonly lr: Float32Array;
  readonly hr: Float32Array;
  readonly lrShape: readonly [number, number, number, number];
}

export interface TrainOptions {
  readonly config: NetConfig;
  readonly epochs: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  readonly seed: number;
  /** Training batches of one epoch (random crops; the caller re-draws them per epoch from `epoch`). */
  readonly trainBatches: (epoch: number) => AsyncIterable<TrainingBatch>;
  /** Validation batches (valid_1 + valid_2), the same every epoch. */
  readonly validationBatches: () => AsyncIterable<TrainingBatch>;
  /** Holds `last/` (resume point), `best/` (lowest validation loss) and `state.json`. */
  readonly checkpointDir: string;
  readonly resume?: boolean;
  readonly progress?: (epoch: number) => Progress;
  readonly log?: (line: string) => void;
  /**
   * Batches between reads of the training loss (progress status and the divergence check); default 10. The
   * loss stays on the device in between, so the GPU is not stalled by a readback every step.
   */
  readonly lossReadEvery?: number;
  /**
   * Wall-clock budget in seconds: no epoch starts once this much training time (this call's, not a resumed run's
   * earlier ones) has passed (one epoch always runs), so a fixed slot on a lent machine ends with finished checkpoints.
   */
  readonly maxSeconds?: number;
  /**
   * "flat-adam" (default): Adam's arithmetic once over all weights (flat-adam.ts); "adam": tf.train.adam, one set of
   * kernels per weight tensor: the reference for the speed issue's same-seed check. Same numbers on the CPU backends.
   */
  readonly optimizer?: "flat-adam" | "adam";
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validLoss: number;
  readonly samplesPerSecond: number;
  readonly seconds: number;
}

export interface TrainState {
  readonly epochsDone: number;
  readonly bestValidLoss: number;
  readonly bestEpoch: number;
  readonly history: readonly EpochRecord[];
}

/**
 * Trains a baseline on z-scored fields (each channel weighs the same in the loss, unlike SuperBench, whose
 * loss is in physical units and dominated by vorticity), Adam, L1 (MSE for FNO). After every epoch the model
 * and Adam's moments are saved to `last/`, and to `best/` when the validation loss improves, so an interrupted
 * run resumes where it stopped.
 */
export async function trainNet(options: TrainOptions): Promise<{ model: tfl.LayersModel; state: TrainState }> {
  const { config, checkpointDir } = options;
  const net = NETS[config.net];
  const log = options.log ?? (() => {});
  await mkdir(checkpointDir, { recursive: true });
  let state: TrainState = { epochsDone: 0, bestValidLoss: Number.POSITIVE_INFINITY, bestEpoch: -1, history: [] };
  let model: tfl.LayersModel;
  // Adam's arithmetic in far fewer kernels (bit-identical on the CPU backends; flat-adam.ts).
  const optimizer = options.optimizer === "adam" ? tf.train.adam(options.learningRate) : flatAdam(options.learningRate);
  const resumed = options.resume === true ? await readState(checkpointDir) : undefined;
  if (resumed !== undefined) {
    state = resumed;
    model = await loadLayersModel(join(checkpointDir, "last"));
    await loadOptimizer(optimizer, join(checkpointDir, "last", "optimizer.bin"));
    log(`resuming after epoch ${state.epochsDone} (best validation loss ${state.bestValidLoss.toPrecision(4)})`);
  } else {
    model = withSeededRandom(options.seed, () =>
      net.build({
        channels: config.channels,
        scale: config.scale,
        ...(config.globalSkip === true ? { globalSkip: true } : {}),
      }),
    );
  }
  // Compiled for what the saved model.json records; the steps themselves bypass trainOnBatch.
  model.compile({ optimizer, loss: net.info.loss });
  const step = createTrainStep(model, optimizer, net.info.loss);
  const readEvery = Math.max(1, Math.floor(options.lossReadEvery ?? 10));
  const deadline = performance.now() + 1000 * (options.maxSeconds ?? Number.POSITIVE_INFINITY);

  const firstEpoch = state.epochsDone;
  for (let epoch = firstEpoch; epoch < options.epochs; epoch++) {
    // At least one epoch runs, so a package always has a best checkpoint to ship.
    if (epoch > firstEpoch && performance.now() >= deadline) {
      log(`time budget of ${options.maxSeconds} s spent after epoch ${epoch}; stopping`);
      break;
    }
    const started = performance.now();
    const progress = options.progress?.(epoch);
    const { trainLoss, samples } = await trainEpoch(
      step,
      options.trainBatches(epoch),
      config,
      epoch,
      readEvery,
      progress,
    );
    const seconds = (performance.now() - started) / 1000;
    const validLoss = await validationLoss(model, options.validationBatches(), config);
    progress?.done(`valid ${validLoss.toPrecision(4)}`);
    const record: EpochRecord = {
      epoch,
      trainLoss,
      validLoss,
      samplesPerSecond: samples / seconds,
      seconds,
    };
    const improved = validLoss < state.bestValidLoss;
    state = {
      epochsDone: epoch + 1,
      bestValidLoss: improved ? validLoss : state.bestValidLoss,
      bestEpoch: improved ? epoch : state.bestEpoch,
      history: [...state.history, record],
    };
    log(
      `epoch ${epoch + 1}/${options.epochs}: train ${record.trainLoss.toPrecision(4)} valid ${validLoss.toPrecision(4)} ` +
        `${record.samplesPerSecond.toFixed(1)} samples/s${improved ? " (best)" : ""}`,
    );
    if (improved) await saveLayersModel(model, join(checkpointDir, "best"));
    await saveLayersModel(model, join(checkpointDir, "last"));
    await saveOptimizer(optimizer, join(checkpointDir, "last", "optimizer.bin"));
    await writeFileAtomic(join(checkpointDir, "state.json"), JSON.stringify(state, null, 2));
  }
  return { model, state };
}

/** One pass over the epoch's batches; the loss is read every `readEvery` batches and once at the end. */
async function trainEpoch(
  step: TrainStep,
  batches: AsyncIterable<TrainingBatch>,
  config: NetConfig,
  epoch: number,
  readEvery: number,
  progress: Progress | undefined,
): Promise<{ trainLoss: number; samples: number }> {
  const sum = new DeviceLossSum();
  try {
    let unreported = 0;
    let count = 0;
    for await (const batch of batches) {
      const { x, y } = tensors(batch, config);
      try {
        sum.add(step(x, y), batch.lrShape[0]);
      } finally {
        tf.dispose([x, y]);
      }
      unreported += batch.lrShape[0];
      if (++count % readEvery !== 0) continue;
      progress?.tick(unreported, `loss ${(await sum.mean(epoch)).toPrecision(4)}`);
      unreported = 0;
    }
    // An epoch without batches reports 0, as before.
    const trainLoss = sum.samples === 0 ? 0 : await sum.mean(epoch);
    if (unreported > 0) progress?.tick(unreported, `loss ${trainLoss.toPrecision(4)}`);
    return { trainLoss, samples: sum.samples };
  } finally {
    sum.dispose();
  }
}

/** The epoch's sample-weighted loss sum, kept on the device so reading it is the caller's choice. */
class DeviceLossSum {
  private sum: tf.Scalar | undefined;
  samples = 0;

  add(loss: tf.Scalar, n: number): void {
    const previous = this.sum;
    this.sum = tf.tidy(() => {
      const weighted = tf.mul(loss, n) as tf.Scalar;
      return previous === undefined ? weighted : (tf.add(previous, weighted) as tf.Scalar);
    });
    tf.dispose([loss, previous]);
    this.samples += n;
  }

  /** Mean loss per sample so far (NaN before any batch); a non-finite sum means the run diverged. */
  async mean(epoch: number): Promise<number> {
    if (this.sum === undefined) return Number.NaN;
    const value = ((await this.sum.data())[0] as number) / this.samples;
    if (!Number.isFinite(value))
      throw new FieldbenchError("WORK_FAILED", `training diverged at epoch ${epoch}: loss ${value}`);
    return value;
  }

  dispose(): void {
    this.sum?.dispose();
    this.sum = undefined;
  }
}

function tensors(batch: TrainingBatch, config: NetConfig): { x: tf.Tensor4D; y: tf.Tensor4D } {
  const [n, c, h, w] = batch.lrShape;
  const hrShape = [n, c, h * config.scale, w * config.scale] as const;
  return {
    x: netInput(batch.lr, batch.lrShape, config),
    y: toNhwc(normalizeBatch(batch.hr, hrShape, config.normalization), hrShape),
  };
}

async function validationLoss(model: tfl.LayersModel, batches: AsyncIterable<TrainingBatch>, config: NetConfig) {
  const l1 = NETS[config.net].info.loss === "meanAbsoluteError";
  let sum = 0;
  let count = 0;
  for await (const batch of batches) {
    const { x, y } = tensors(batch, config);
    const value = tf.tidy(() => {
      const d = tf.sub(model.predict(x) as tf.Tensor, y);
      return tf.mean(l1 ? tf.abs(d) : tf.square(d));
    });
    sum += ((await value.data())[0] as number) * batch.lrShape[0];
    count += batch.lrShape[0];
    tf.dispose([x, y, value]);
  }
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * Mean RFNE over (crop, channel) on z-scored fields, SuperBench's headline number, of a model on validation
 * batches: what the trainer compares when it decides whether float16 weights are good enough.
 */
export async function validationRfne(
  model: tfl.LayersModel,
  batches: AsyncIterable<TrainingBatch>,
  config: NetConfig,
): Promise<number> {
  let sum = 0;
  let count = 0;
  for await (const batch of batches) {
    const { x, y } = tensors(batch, config);
    // NHWC: the norms over H and W (axes 1, 2) leave one value per (crop, channel).
    const ratio = tf.tidy(() => {
      const d = tf.sub(model.predict(x) as tf.Tensor, y);
      return tf.div(tf.sqrt(tf.sum(tf.square(d), [1, 2])), tf.sqrt(tf.sum(tf.square(y), [1, 2])));
    });
    const values = await ratio.data();
    for (const v of values) sum += v;
    count += values.length;
    tf.dispose([x, y, ratio]);
  }
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * tfjs-layers initialisers draw from Math.random when given no seed; a seeded generator stands in while the
 * model is built, so the same seed gives the same initial weights.
 */
export function withSeededRandom<T>(seed: number, build: () => T): T {
  const original = Math.random;
  const rng = createRng(seed);
  Math.random = () => rng.uniform();
  try {
    return build();
  } finally {
    Math.random = original;
  }
}

async function readState(dir: string): Promise<TrainState | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, "state.json"), "utf8")) as TrainState;
  } catch {
    return undefined;
  }
}

/**
 * Adam's moments: a JSON header line (names, shapes, dtypes) then float32 data, so a resumed run continues the
 * same optimizer. Every value is written as float32, including Adam's int32 step counter (`iter`), whose bias
 * correction would otherwise restart: its int32 bits read back as float32 are a denormal, i.e. step 0.
 */
async function saveOptimizer(optimizer: tf.Optimizer, path: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const header = weights.map((w) => ({ name: w.name, shape: w.tensor.shape, dtype: w.tensor.dtype }));
  const data = await Promise.all(
    weights.map(async (w) => Buffer.from(Float32Array.from(await w.tensor.data()).buffer)),
  );
  // getWeights makes fresh tensors for the step counter (and, for FlatAdam, views of the moments); tf Adam's
  // moments are its own variables.
  for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  await writeFileAtomic(path, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...data]));
}

async function loadOptimizer(optimizer: tf.Optimizer, path: string): Promise<void> {
  const bytes = await readFile(path);
  const newline = bytes.indexOf(10);
  const header = JSON.parse(bytes.subarray(0, newline).toString("utf8")) as {
    name: string;
    shape: number[];
    dtype?: "float32" | "int32";
  }[];
  let offset = newline + 1;
  const weights = header.map(({ name, shape, dtype }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n));
    offset += 4 * n;
    // Files written before the dtype field load as float32, as they always did (their step counter is lost).
    return { name, tensor: tf.tensor(values, shape, dtype ?? "float32") };
  });
  await optimizer.setWeights(weights);
}
