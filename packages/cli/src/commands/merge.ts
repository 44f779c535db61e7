import type { Command } from "commander";
import { resolve } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import { type CliIo, printJson, printLine } from "../io.js";

interface MergeFlags {
  out?: string;
  json?: boolean;
}

export function registerMerge(program: Command, io: CliIo): void {
  program
    .command("merge")
    .argument("<shards...>", "result files of `fieldbench run ... --shard i/n`, one per i (any order)")
    .requiredOption("--out <file>", "merged result JSON (written atomically)")
    .option("--json", "print the merged result JSON on stdout")
    .description("combine the shard results of one run into the result file an unsharded run writes")
    .addHelpText(
      "after",
      "\nEvery shard must come from the same run (dataset checksum, task, model, mode, spec version, --limit, n),\n" +
        "and shards 0..n-1 must all be there once. Per-snapshot scores are merged in index order and the aggregates\n" +
        "and bootstrap CIs recomputed with the run's seed, so the merged file equals an unsharded run's.\n" +
        "Recipes (Slurm job array, Kubernetes Indexed Job, CI matrix): docs/sharding.md\n" +
        "Examples:\n" +
        "  fieldbench merge r0.json r1.json r2.json --out results.json\n" +
        "  fieldbench merge shards/*.json --out results.json --json",
    )
    .action(async (shards: string[], flags: MergeFlags) => mergeCommand(shards, flags, io));
}

async function mergeCommand(shards: string[], flags: MergeFlags, io: CliIo): Promise<void> {
  if (flags.out === undefined) throw new FieldbenchError("BAD_USAGE", "--out FILE is required");
  const { mergeShardFiles } = await import("@fieldbench/superbench");
  const out = resolve(io.cwd, flags.out);
  const merged = await mergeShardFiles(
    shards.map((s) => resolve(io.cwd, s)),
    out,
  );
  if (flags.json) {
    printJson(io, merged);
    return;
  }
  const n = merged.splits.test_1.snapshots + merged.splits.test_2.snapshots;
  printLine(io, `merged ${shards.length} shards (${n} snapshots) into ${out}`);
}
