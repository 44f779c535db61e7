import { resolve } from "node:path";
import type { Command } from "commander";
import { type CliIo, printJson, printLine } from "../io.js";

interface ReportFlags {
  out?: string;
  model?: string;
  data?: string;
  images?: boolean;
  json?: boolean;
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command("report")
    .argument("<results>", "a result file of `fieldbench run superbench`")
    .requiredOption("--out <dir>", "folder for index.html and assets/ (created)")
    .option("--model <name-or-dir>", "re-run this model for the images and spectra (default: the result's model name)")
    .option("--data <dir>", "dataset folder for the sample (default: the embedded copy)")
    .option("--no-images", "numbers only: do not re-run the model")
    .option("--json", "print {written, visuals} as JSON")
    .description("write the leaderboard's HTML page for one run (tables, energy spectrum, sample images)")
    .addHelpText(
      "after",
      "\nThe page works offline from the file system. Images and spectra come from re-running the model on test_1\n" +
        "snapshot 0 (channel 0 shown as HR / LR / prediction / |error| with viridis; spectra of (u, v)); a model\n" +
        "that cannot be created here (a package not given with --model) leaves them out.\n" +
        "Examples:\n" +
        "  fieldbench run superbench --out r.json && fieldbench report r.json --out report/\n" +
        "  fieldbench report r.json --out report/ --model ./my-model-package",
    )
    .action(async (results: string, flags: ReportFlags) => {
      const { writeReport } = await import("../leaderboard-site.js");
      const out = resolve(io.cwd, flags.out ?? "report");
      const outcome = await writeReport(resolve(io.cwd, results), out, {
        ...(flags.model === undefined ? {} : { model: flags.model }),
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
