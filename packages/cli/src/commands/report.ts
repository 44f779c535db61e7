import { resolve } from "node:path";
import type { Command } from "commander";
import { type CliIo, printJson, printLine } from "../io.js";

interface ReportFlags {
  out?: string;
  model?: string;
  sample?: string;
  data?: string;
  images?: boolean;
  json?: boolean;
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command("report")
    .argument("<results>", "a result file of `fieldbench run superbench`")
    .requiredOption("--out <dir>", "folder for index.html and assets/ (created)")
    .option("--model <name>", "re-run this built-in model for the images and spectra (default: the result's model name)")
    .option("--sample <file>", "images and spectra from `fieldbench ci-score --sample` (a package's sandboxed run)")
    .option("--data <dir>", "dataset folder for the sample (default: the embedded copy)")
    .option("--no-images", "numbers only: do not re-run the model")
    .option("--json", "print {written, visuals} as JSON")
    .description("write the leaderboard's HTML page for one run (tables, energy spectrum, sample images)")
    .addHelpText(
      "after",
      "\nThe page works offline from the file system. Images and spectra show test_1 snapshot 0 (channel 0 as HR /\n" +
        "LR / prediction / |error| with viridis; spectra of (u, v)). For a built-in model they come from re-running\n" +
        "it; the result's model name is looked up among the built-in models only, never as a folder, since a result\n" +
        "file is data and must not name code to run. A model package's images come from its sandboxed scoring run:\n" +
        "`fieldbench ci-score PKG --out r.json --sample s.json`, then `--sample s.json` here. Otherwise the page\n" +
        "shows numbers only.\n" +
        "Examples:\n" +
        "  fieldbench run superbench --out r.json && fieldbench report r.json --out report/\n" +
        "  fieldbench ci-score ./my-model --out r.json --sample s.json && fieldbench report r.json --sample s.json --out report/",
    )
    .action(async (results: string, flags: ReportFlags) => {
      const { writeReport } = await import("../leaderboard-site.js");
      const out = resolve(io.cwd, flags.out ?? "report");
      const outcome = await writeReport(resolve(io.cwd, results), out, {
        ...(flags.model === undefined ? {} : { model: flags.model }),
        ...(flags.sample === undefined ? {} : { sample: resolve(io.cwd, flags.sample) }),
        ...(flags.data === undefined ? {} : { data: resolve(io.cwd, flags.data) }),
        images: flags.images !== false,
      });
      if (flags.json) printJson(io, outcome);
      else
        printLine(
          io,
          `wrote ${resolve(out, "index.html")} (${outcome.written.length} files${outcome.visuals ? "" : ", no sample images"})`,
        );
    });
}
