import { resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import { finishDiagnostic } from "../diagnostic-output.js";
import type { CliIo } from "../io.js";

interface TransferFlags {
  models: string;
  datasets: string;
  tasks: string;
  splits: string;
  reference: string;
  limit?: string;
  out?: string;
  json?: boolean;
}

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** KEY, KEY=DIR or KEY=DIR@GRID: a dataset, the folder of its files, and their grid when it is not the dataset's. */
function parseDataset(text: string): { dataset: string; data?: string; grid?: number } {
  const m = /^([A-Za-z0-9_-]+)(?:=([^@]+))?(?:@(\d+))?$/.exec(text);
  if (m === null)
    throw new FieldbenchError("BAD_USAGE", `--datasets entry "${text}" is not KEY, KEY=DIR or KEY=DIR@GRID`);
  return {
    dataset: m[1]!,
    ...(m[2] === undefined ? {} : { data: m[2] }),
    ...(m[3] === undefined ? {} : { grid: Number(m[3]) }),
  };
}

export function registerTransfer(program: Command, io: CliIo): void {
  program
    .command("transfer")
    .requiredOption("--models <names>", "models, comma-separated (registry names or package folders)")
    .option("--datasets <list>", "KEY, KEY=DIR or KEY=DIR@GRID, comma-separated", "nskt_mini")
    .option("--tasks <list>", "tasks, comma-separated", "bicubic-x8")
    .option("--splits <list>", "test splits, comma-separated", "test_1,test_2")
    .option("--reference <n>", "index of the in-distribution condition (datasets x tasks x splits, in that order)", "0")
    .option("--limit <n>", "first N snapshots of each split")
    .option("--out <dir>", "write transfer.json, transfer.md, transfer.svg and transfer.html here")
    .option("--json", "print the result JSON on stdout instead of the table")
    .description("out-of-distribution transfer: RFNE of every model under every dataset, task and split")
    .addHelpText(
      "after",
      "\nConditions are every dataset x task x split; each cell is the `run superbench` protocol's RFNE, and its ratio\n" +
        "to the same model's RFNE under the reference condition (1 = in-distribution). A registry name takes the model\n" +
        "built for each task's scale; a package folder is the same weights everywhere (an x8 package on x16 input is\n" +
        "scored on its own output grid).\n" +
        "Examples:\n" +
        "  fieldbench transfer --models bicubic,srcnn,fno\n" +
        "  fieldbench transfer --models bicubic,models/fno-nskt-x8 --datasets nskt_16k=/data/re16k,nskt_32k=/data/re32k \\\n" +
        "      --tasks bicubic-x8,bicubic-x16 --out transfer/",
    )
    .action(async (flags: TransferFlags) => {
      const models = list(flags.models);
      if (models.length === 0) throw new FieldbenchError("BAD_USAGE", "--models needs at least one model");
      const datasets = list(flags.datasets).map(parseDataset);
      const conditions = datasets.flatMap((d) =>
        list(flags.tasks).flatMap((task) =>
          list(flags.splits).map((split) => ({ ...d, task, split: split as "test_1" })),
        ),
      );
      const reference = Number(flags.reference);
      const limit = flags.limit === undefined ? undefined : Number(flags.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
        throw new FieldbenchError("BAD_USAGE", `--limit must be a positive integer, got "${flags.limit}"`);
      const d = await import("@fieldbench/diagnostics");
      const result = await d.runTransfer({
        models: models.map((m) => (m.includes("/") || m.startsWith(".") ? resolve(io.cwd, m) : m)),
        conditions: conditions.map((c) => (c.data === undefined ? c : { ...c, data: resolve(io.cwd, c.data) })),
        reference,
        ...(limit === undefined ? {} : { limit }),
        cwd: io.cwd,
        log: (line) => io.stderr.write(`${line}\n`),
      });
      const table = d.formatTransferTable(result);
      await finishDiagnostic(io, flags, {
        result,
        table,
        files: async () => {
          const svg = await d.renderTransferSvg(result);
          return {
            "transfer.json": d.toJson(result),
            "transfer.md": `${table}
`,
            "transfer.svg": svg,
            "transfer.html": d.transferHtml(result, svg, table),
          };
        },
      });
    });
}
