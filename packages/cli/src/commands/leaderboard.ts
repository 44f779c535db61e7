import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import { type CliIo, printJson, printLine } from "../io.js";

interface BuildFlags {
  root?: string;
  json?: boolean;
  images?: boolean;
}

export function registerLeaderboard(program: Command, io: CliIo): void {
  program
    .command("leaderboard")
    .argument("<action>", "build")
    .option("--root <dir>", "the leaderboard folder (holds superbench/<dataset>/<task>/*.json)", "leaderboards")
    .option("--no-images", "skip re-running models for the site's sample images and spectra")
    .option("--json", "print {results, boards, written} as JSON")
    .description("rebuild the ranked tables (markdown, CSV) and the static HTML site from the committed results")
    .addHelpText(
      "after",
      "\nWrites <root>/superbench.md and .csv, leaderboard.md and .csv in each dataset/task folder, and a static site\n" +
        "<root>/site/index.html (sortable tables, energy spectra, sample HR/LR/prediction/error images) that works\n" +
        "offline from the file system. Ranked by rfne (lower is better), test_1 and test_2 separately, compat and\n" +
        "default modes in separate tables. Spectra and images come from re-running built-in baselines on the first\n" +
        "test_1 snapshot of embedded datasets; other models show their numbers only.\n" +
        "Examples:\n" +
        "  fieldbench leaderboard build\n" +
        "  fieldbench leaderboard build --root ./leaderboards --json",
    )
    .action(async (action: string, flags: BuildFlags) => buildCommand(action, flags, io));
}

async function buildCommand(action: string, flags: BuildFlags, io: CliIo): Promise<void> {
  if (action !== "build")
    throw new FieldbenchError("BAD_USAGE", `unknown leaderboard action "${action}" (known: build)`);
  const { buildWithSite } = await import("../leaderboard-site.js");
  const root = resolve(io.cwd, flags.root ?? "leaderboards");
  // A mistyped --root would otherwise build (and write) an empty board and report success.
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
    throw new FieldbenchError("FILE_NOT_FOUND", `--root ${root}: no such folder (it holds superbench/<dataset>/...)`);
  const outcome = await buildWithSite(root, { images: flags.images !== false });
  if (flags.json) {
    printJson(io, { results: outcome.results, boards: outcome.boards.length, written: outcome.written });
    return;
  }
  printLine(
    io,
    `built ${outcome.boards.length} tables from ${outcome.results} results: ${outcome.written.length} files under ${root}`,
  );
}
