import type { Command } from "commander";
import { FieldbenchError, chooseProgressMode } from "@fieldbench/core";
import { METRIC_MODES, isMetricMode } from "@fieldbench/metrics";
import { modelNames } from "@fieldbench/models";
import { DEFAULT_DATASET, datasetKeys } from "@fieldbench/superbench/datasets";
import { type CliIo, printJson, printLine } from "../io.js";

interface RunFlags {
  dataset?: string;
  task?: string;
  model?: string;
  data?: string;
  limit?: string;
  shard?: string;
  out?: string;
  mode?: string;
  savePredictions?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerRun(program: Command, io: CliIo): void {
  program
    .command("run")
    .argument("<suite>", "the suite to run: superbench")
    .description("score a super-resolution model on a suite's test splits (test_1 and test_2, reported separately)")
    .option(
      "--dataset <key>",
      `${datasetKeys().join(", ")}; default: the one --data's card.json describes, else ${DEFAULT_DATASET}`,
    )
    .option(
      "--task <name>",
      "bicubic-x8, bicubic-x16, uniform-x8, noisy-uniform-5-x8, noisy-uniform-10-x8, lrsim",
      "bicubic-x8",
    )
    .option("--model <name>", `${modelNames().join(", ")}, or a model package directory`, "bicubic")
    .option(
      "--data <dir>",
      "a SuperBench dataset folder (train/ valid_1/ valid_2/ test_1/ test_2/ of .h5 files); a generated one with a card.json scores at any size without --dataset; default: the embedded nskt_mini sample",
    )
    .option("--limit <n>", "score only the first N snapshots of each test split")
    .option("--shard <i/n>", "score only snapshots whose index % n == i (merge shards later)")
    .option(
      "--out <file>",
      "result JSON (written atomically); default fieldbench-results/<dataset>.<task>.<model>.json",
    )
    .option(
      "--mode <mode>",
      "default (fixed data ranges, physics and spectra) or compat (SuperBench's own metric definitions)",
      "default",
    )
    .option(
      "--save-predictions <dir>",
      "also write the predicted fields: <dir>/test_1.h5 and test_2.h5, predictions [N,C,H,W] float32 + index [N]",
    )
    .option("--json", "print the result JSON on stdout instead of the table")
    .option("--quiet", "no progress on stderr")
    .addHelpText(
      "after",
      "\nProgress goes to stderr, one step per snapshot. An interrupted run resumes: finished snapshots are kept in\n" +
        "<out>.partial.jsonl and not recomputed when the same command runs again.\n" +
        "Examples:\n" +
        "  fieldbench run superbench                                  # bicubic x8 on the embedded sample (seconds)\n" +
        "  fieldbench run superbench --mode compat --model bicubic-superbench\n" +
        "  fieldbench run superbench --save-predictions preds   # then: h5py.File('preds/test_1.h5')['predictions']\n" +
        "  fieldbench run superbench --dataset nskt_16k --data /data/superbench_v2/nskt_16k --task bicubic-x16\n" +
        "  fieldbench run superbench --dataset era5 --data /data/era5 --limit 20 --shard 0/4 --out r0.json\n" +
        "  fieldbench run superbench --data ./gen512 --mode compat --model bicubic-superbench   # any generated set",
    )
    .action(async (suite: string, flags: RunFlags) => runCommand(suite, flags, io));
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new FieldbenchError("BAD_USAGE", `--limit must be a positive integer, got "${text}"`);
  return n;
}

export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) {
    throw new FieldbenchError("BAD_USAGE", `--shard must be i/n with 0 <= i < n, got "${text}"`);
  }
  return { index, count };
}

async function runCommand(suite: string, flags: RunFlags, io: CliIo): Promise<void> {
  if (suite !== "superbench") throw new FieldbenchError("BAD_USAGE", `unknown suite "${suite}" (known: superbench)`);
  if (!isMetricMode(flags.mode)) {
    throw new FieldbenchError("BAD_USAGE", `--mode must be ${METRIC_MODES.join(" or ")}, got "${flags.mode}"`);
  }
  const limit = parseLimit(flags.limit);
  const shard = parseShard(flags.shard);
  const { runSuperbench } = await import("@fieldbench/superbench");
  const outcome = await runSuperbench({
    ...(flags.dataset === undefined ? {} : { dataset: flags.dataset }),
    ...(flags.task === undefined ? {} : { task: flags.task }),
    ...(flags.model === undefined ? {} : { model: flags.model }),
    ...(flags.data === undefined ? {} : { data: flags.data }),
    ...(flags.out === undefined ? {} : { out: flags.out }),
    ...(limit === undefined ? {} : { limit }),
    ...(flags.savePredictions === undefined ? {} : { savePredictions: flags.savePredictions }),
    ...(shard === undefined ? {} : { shard }),
    mode: flags.mode,
    cwd: io.cwd,
    progressStream: io.stderr,
    progressMode: chooseProgressMode(io.stderr, flags.quiet === true),
  });
  if (flags.json) {
    printJson(io, outcome.result);
    return;
  }
  printLine(io, outcome.table);
  printLine(io);
  const resumed = outcome.resumed > 0 ? ` (${outcome.resumed} snapshots resumed)` : "";
  printLine(io, `result: ${outcome.outPath}${resumed}, ${outcome.result.wallTimeSeconds.toFixed(1)} s`);
}
