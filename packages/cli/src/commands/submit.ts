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
        "the dataset checksum listed in <root>/known-datasets.json for its key and version; a known task; a model\n" +
        "identity (name, version, integrity hash; printable, no control characters); every metric a finite number\n" +
        "in its range (errors >= 0, SSIM/MS-SSIM/ACC in [-1, 1]; null only for metrics that can be undefined: psnr,\n" +
        "rfne, in_rel, vort_rfne, ke_rel, enstrophy_rel) and inside its 95% CI. A refused file exits 2 with the reason\n" +
        "on one line and nothing is stored. An accepted one is written atomically to\n" +
        "<root>/superbench/<dataset>/<task>/<model>@<version>.<mode>.json (replacing an earlier result of the same\n" +
        "model name and version only; another name that maps to the same file is refused) and the tables are rebuilt\n" +
        "under a lock, so concurrent submissions all land. The result's model name is data: it is never loaded as a\n" +
        "package (sample images come from built-in models only). Commit the result file and the rebuilt tables.\n" +
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
