import { resolve } from "node:path";
import type { Command } from "commander";
import { type CliIo, printJson, printLine } from "../io.js";

interface SubmitFlags {
  root?: string;
  json?: boolean;
}

export function registerSubmit(program: Command, io: CliIo): void {
  program
    .command("submit")
    .argument("<results>", "a result file written by `fieldbench run superbench` (or `fieldbench merge`)")
    .option("--root <dir>", "the leaderboard folder (holds known-datasets.json and superbench/)", "leaderboards")
    .option("--json", "print {stored, replaced, written} as JSON")
    .description("check a result file, add it to the leaderboard and rebuild the tables")
    .addHelpText(
      "after",
      "\nChecks, in order: the result schema; a full run (no --limit, no unmerged --shard); the current spec version;\n" +
        "the dataset checksum listed in <root>/known-datasets.json for its key and version; a model identity\n" +
        "(name, version, integrity hash); every metric a finite number (null only for metrics that can be undefined:\n" +
        "psnr, rfne, in_rel, vort_rfne, ke_rel, enstrophy_rel). A refused file exits 2 with the reason on one line.\n" +
        "An accepted one is written atomically to <root>/superbench/<dataset>/<task>/<model>@<version>.<mode>.json\n" +
        "(replacing an earlier result of the same model, version and mode) and the tables are rebuilt under a lock,\n" +
        "so concurrent submissions all land. Commit the result file and the rebuilt tables together.\n" +
        "Examples:\n" +
        "  fieldbench run superbench --model ./my-model --out results.json && fieldbench submit results.json\n" +
        "  fieldbench submit merged.json --root /path/to/fieldbench/leaderboards --json",
    )
    .action(async (results: string, flags: SubmitFlags) => submitCommand(results, flags, io));
}

async function submitCommand(results: string, flags: SubmitFlags, io: CliIo): Promise<void> {
  const { submitWithSite } = await import("../leaderboard-site.js");
  const root = resolve(io.cwd, flags.root ?? "leaderboards");
  const outcome = await submitWithSite(resolve(io.cwd, results), root);
  if (flags.json) {
    printJson(io, {
      stored: outcome.stored,
      replaced: outcome.replaced,
      results: outcome.results,
      written: outcome.written,
    });
    return;
  }
  printLine(
    io,
    `${outcome.replaced ? "replaced" : "added"} ${outcome.stored}; rebuilt ${outcome.written.length} files from ${outcome.results} results`,
  );
}
