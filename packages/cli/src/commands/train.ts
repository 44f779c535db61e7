import type { Command } from "commander";
import { FieldbenchError, createProgress } from "@fieldbench/core";
import { NET_DESCRIPTORS, NET_NAMES, netPackageFolder, parseNetName } from "@fieldbench/models";
import { datasetKeys } from "@fieldbench/superbench/datasets";
import { type CliIo, printJson } from "../io.js";

interface TrainFlags {
  dataset: string;
  task: string;
  data?: string;
  backend: string;
  epochs: string;
  batch: string;
  lr?: string;
  seed: string;
  out?: string;
  resume?: boolean;
  limit?: string;
  crop: string;
  crops: string;
  timeBudget?: string;
  cache?: boolean;
  globalSkip?: boolean;
  weights: string;
  optimizer: string;
  json?: boolean;
  quiet?: boolean;
}

/** flat-adam: Adam's arithmetic once over all weights (fewer GPU dispatches); adam: tf.train.adam, its reference. */
const OPTIMIZERS = ["flat-adam", "adam"] as const;

export function registerTrain(program: Command, io: CliIo): void {
  program
    .command("train")
    .argument("<model>", NET_NAMES.join(" | "))
    .description("train a baseline on a SuperBench-layout dataset and write it as a model package")
    .requiredOption("--dataset <key>", `dataset spec: ${datasetKeys().join(", ")}`)
    .requiredOption(
      "--task <task>",
      "bicubic-x8 | bicubic-x16 | uniform-x8 | noisy-uniform-5-x8 | noisy-uniform-10-x8 | lrsim",
    )
    .option("--data <dir>", "dataset folder (train/ valid_1/ valid_2/ ...); default: the embedded copy when shipped")
    .option("--backend <name>", "webgpu | wasm | cpu | tensorflow", "wasm")
    .option("--epochs <n>", "epochs (each: --crops random --crop² crops per training snapshot)", "10")
    .option("--batch <n>", "crops per batch", "32")
    .option(
      "--lr <rate>",
      `Adam learning rate (default: SuperBench's for the net: ${NET_NAMES.map((n) => `${n} ${NET_DESCRIPTORS[n].learningRate}`).join(", ")})`,
    )
    .option("--seed <n>", "seeds initial weights, crops and their order", "5544")
    .option("--out <dir>", "package directory (default models/<model>-<dataset>-<task>)")
    .option("--resume", "continue from the last finished epoch in --out")
    .option("--limit <n>", "use only the first N snapshots of each split")
    .option("--crop <n>", "HR crop edge in pixels (a multiple of the scale)", "128")
    .option("--crops <n>", "random crops per training snapshot per epoch (SuperBench: 8)", "8")
    .option("--time-budget <seconds>", "stop after the epoch that passes this much wall time (best epoch kept)")
    .option(
      "--global-skip",
      `${netsWith("globalSkip")} only: add the bicubic pre-upsampled input to the output (not in SuperBench's nets; same parameters)`,
    )
    .option("--optimizer <name>", `${OPTIMIZERS.join(" | ")} (the same updates; adam is the reference)`, "flat-adam")
    .option("--cache", "keep decoded snapshots in memory across epochs (when the splits fit in RAM; fast on a GPU)")
    .option(
      "--weights <dtype>",
      "auto (float16 when it moves the validation RFNE by < 1e-4 relative: half the bytes) | float32 | float16",
      "auto",
    )
    .option("--json", "print the outcome as JSON")
    .option("--quiet", "no progress on stderr")
    .addHelpText(
      "after",
      "\nSamples are z-scored with the dataset constants; the loss is L1 (MSE for FNO); the best validation epoch is kept.\n" +
        "Examples:\n" +
        "  fieldbench train srcnn --dataset nskt_mini --task bicubic-x8 --epochs 2 --out /tmp/srcnn\n" +
        "  fieldbench train edsr --dataset nskt_16k --task bicubic-x8 --data ./nskt16k --backend webgpu\n" +
        "  fieldbench train wdsr --dataset nskt_16k --task bicubic-x16 --data ./nskt16k --backend webgpu \\\n" +
        "    --epochs 1000 --time-budget 300 --crops 64 --cache     # how the committed models/ were trained",
    )
    .action(async (model: string, flags: TrainFlags) => runTrain(model, flags, io));
}

/** The nets whose descriptor sets a flag, for help and errors. */
function netsWith(flag: "globalSkip"): string {
  return NET_NAMES.filter((n) => NET_DESCRIPTORS[n][flag] === true).join(", ");
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new FieldbenchError("BAD_USAGE", `${flag} must be a positive integer, got ${text}`);
  return n;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n))
    throw new FieldbenchError("BAD_USAGE", `${flag} must be a positive number of seconds, got ${text}`);
  return n;
}

async function runTrain(model: string, flags: TrainFlags, io: CliIo): Promise<void> {
  const name = parseNetName(model); // UNKNOWN_MODEL naming the trainable nets
  const net = NET_DESCRIPTORS[name];
  const { BACKEND_NAMES } = await import("@fieldbench/models/tfjs");
  if (!(BACKEND_NAMES as readonly string[]).includes(flags.backend)) {
    throw new FieldbenchError(
      "UNKNOWN_BACKEND",
      `unknown backend "${flags.backend}" (known: ${BACKEND_NAMES.join(", ")})`,
    );
  }
  if (flags.globalSkip && net.globalSkip !== true) {
    throw new FieldbenchError("BAD_USAGE", `--global-skip is for ${netsWith("globalSkip")} only, not ${model}`);
  }
  const optimizer = OPTIMIZERS.find((name) => name === flags.optimizer);
  if (optimizer === undefined)
    throw new FieldbenchError("BAD_USAGE", `unknown optimizer "${flags.optimizer}" (known: ${OPTIMIZERS.join(", ")})`);
  const epochs = positiveInt(flags.epochs, "--epochs");
  const batchSize = positiveInt(flags.batch, "--batch");
  const seed = Number(flags.seed);
  const learningRate = flags.lr === undefined ? net.learningRate : Number(flags.lr);
  if (!(learningRate > 0)) throw new FieldbenchError("BAD_USAGE", `--lr must be a positive number, got ${flags.lr}`);
  const superbench = await import("@fieldbench/superbench");
  const { trainBaseline } = await import("@fieldbench/superbench/training");
  const spec = superbench.getDataset(flags.dataset);
  const task = superbench.resolveTask(flags.task, spec);
  const dataRoot = flags.data ?? superbench.embeddedDataRoot(spec.key);
  const out = flags.out ?? `models/${netPackageFolder(name, spec.key, task.name)}`;
  const outcome = await trainBaseline({
    dataRoot,
    spec,
    task,
    net: name,
    backend: flags.backend as (typeof BACKEND_NAMES)[number],
    epochs,
    batchSize,
    learningRate,
    seed,
    out,
    ...(flags.resume ? { resume: true } : {}),
    ...(flags.limit === undefined ? {} : { limit: positiveInt(flags.limit, "--limit") }),
    cropSize: positiveInt(flags.crop, "--crop"),
    cropsPerSnapshot: positiveInt(flags.crops, "--crops"),
    ...(flags.timeBudget === undefined ? {} : { maxSeconds: positiveNumber(flags.timeBudget, "--time-budget") }),
    ...(flags.cache ? { cacheSnapshots: true } : {}),
    ...(flags.globalSkip ? { globalSkip: true } : {}),
    weightDtype: weightDtype(flags.weights),
    optimizer,
    progress: (epoch, total) =>
      createProgress({
        label: `${model} epoch ${epoch + 1}/${epochs}`,
        total,
        stream: io.stderr,
        ...(flags.quiet ? { mode: "quiet" } : {}),
      }),
    log: (line) => {
      if (!flags.quiet) io.stderr.write(`${line}\n`);
    },
  });
  if (flags.json) printJson(io, outcome);
  else
    io.stdout.write(
      `trained ${model}: best validation loss ${outcome.bestValidLoss.toPrecision(4)} at epoch ${outcome.bestEpoch + 1}, ${outcome.wallSeconds.toFixed(1)} s; package ${outcome.packageDir}\n`,
    );
}

const WEIGHT_DTYPES = ["auto", "float32", "float16"] as const;

function weightDtype(value: string): (typeof WEIGHT_DTYPES)[number] {
  if ((WEIGHT_DTYPES as readonly string[]).includes(value)) return value as (typeof WEIGHT_DTYPES)[number];
  throw new FieldbenchError("BAD_USAGE", `--weights must be one of ${WEIGHT_DTYPES.join(", ")}, got ${value}`);
}
