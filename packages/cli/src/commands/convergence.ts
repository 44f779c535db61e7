import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import { finishDiagnostic } from "../diagnostic-output.js";
import type { CliIo } from "../io.js";

interface ConvergenceFlags {
  model: string;
  dataset: string;
  data?: string;
  grid?: string;
  task: string;
  split: string;
  limit?: string;
  levels: string;
  border: string;
  out?: string;
  json?: boolean;
}

function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new FieldbenchError("BAD_USAGE", `${flag} must be a positive integer, got "${text}"`);
  return n;
}

export function registerConvergence(program: Command, io: CliIo): void {
  program
    .command("convergence")
    .requiredOption("--model <names>", "models, comma-separated (registry names or package folders)")
    .option("--dataset <key>", "dataset key (its channels and normalisation)", "nskt_mini")
    .option("--data <dir>", "SuperBench dataset folder; default: the embedded sample")
    .option("--grid <n>", "HR edge of the files in --data when it is not the dataset's (a generated 1024² set)")
    .option(
      "--task <name>",
      "bicubic-x8, bicubic-x16 or uniform-x8: the model's scale and the degradation",
      "bicubic-x8",
    )
    .option("--split <name>", "split whose snapshots are used", "test_1")
    .option("--limit <n>", "first N snapshots of the split")
    .option("--levels <n>", "grids, each half the previous edge, finest = the data's", "4")
    .option("--border <f>", "fraction of the domain left out on each side of the scored region", "0.25")
    .option("--out <dir>", "write convergence.json, convergence.md and convergence.svg here")
    .option("--json", "print the result JSON on stdout instead of the table")
    .description("resolution convergence: the same fields at grids a factor 2 apart, the error and its order")
    .addHelpText(
      "after",
      "\nThe finest level is the data's own grid; level k is it reduced 2^k times by the antialiased bicubic. Each\n" +
        "level is degraded by the task and super-resolved at the task's scale, and RFNE is taken on the same central\n" +
        "region. The order p is the slope of log RFNE on log h (RFNE ~ h^p): p > 0 converges like a numerical method.\n" +
        "A model with a fixed tile larger than a level's LR field is reported as not applicable there.\n" +
        "Examples:\n" +
        "  fieldbench convergence --model bicubic,srcnn\n" +
        "  fieldbench convergence --model fno,srcnn,bicubic --data ./nskt_re16000_1024 --grid 1024 --dataset nskt_16k --limit 2 --out conv/",
    )
    .action(async (flags: ConvergenceFlags) => {
      const border = Number(flags.border);
      const models = flags.model
        .split(",")
        .map((m) => m.trim())
        .filter((m) => m !== "");
      if (models.length === 0) throw new FieldbenchError("BAD_USAGE", "--model needs at least one model name");
      const d = await import("@fieldbench/diagnostics");
      const split = flags.split as "test_1";
      const result = await d.runConvergence({
        models,
        dataset: flags.dataset,
        ...(flags.data === undefined ? {} : { data: flags.data }),
        ...(flags.grid === undefined ? {} : { grid: positiveInteger("--grid", flags.grid)! }),
        task: flags.task,
        split,
        ...(flags.limit === undefined ? {} : { limit: positiveInteger("--limit", flags.limit)! }),
        levels: positiveInteger("--levels", flags.levels)!,
        border,
        cwd: io.cwd,
        log: (line) => io.stderr.write(`${line}\n`),
      });
      for (const warning of d.convergenceWarnings(result)) io.stderr.write(`warning: ${warning}\n`);
      const table = d.formatConvergenceTable(result);
      await finishDiagnostic(io, flags, {
        result,
        table,
        files: async () => ({
          "convergence.json": d.toJson(result),
          "convergence.md": `${table}
`,
          "convergence.svg": await d.renderConvergenceSvg(result),
        }),
      });
    });
}
