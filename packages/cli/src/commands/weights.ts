import { resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import { finishDiagnostic } from "../diagnostic-output.js";
import type { CliIo } from "../io.js";

interface WeightsFlags {
  out?: string;
  json?: boolean;
}

export function registerWeights(program: Command, io: CliIo): void {
  const weights = program
    .command("weights")
    .description("diagnostics of a model's weights alone, without test data (heavy-tailed self-regularization)");
  weights
    .command("diagnose")
    .argument("<package>", "a TF.js model package folder (package.json with a fieldbench field, model.json, weights)")
    .option("--out <dir>", "also write weights.json and esd.svg (each layer's ESD on log-log axes) here")
    .option("--json", "print the report JSON on stdout instead of the table")
    .description("per layer: ESD of W^T W, power-law alpha, alpha-hat, spectral norm, stable rank, Marchenko-Pastur")
    .addHelpText(
      "after",
      "\nConv kernels [kh, kw, in, out] are kh*kw matrices [in, out] whose eigenvalues are pooled (WeightWatcher's\n" +
        "convention); FNO spectral kernels are one complex matrix per Fourier mode. alpha is the exponent of the ESD's\n" +
        "power-law tail (2-4: well trained; > 6: random-like; < 2: over-fitted), fitted by maximum likelihood with xmin\n" +
        "chosen by the Kolmogorov-Smirnov distance. docs/diagnostics.md explains every column.\n" +
        "Examples:\n" +
        "  fieldbench weights diagnose models/srcnn-nskt-x8\n" +
        "  fieldbench weights diagnose models/fno-nskt-x8 --out leaderboards/diagnostics/weights/fno-nskt-x8 --json",
    )
    .action(async (dir: string, flags: WeightsFlags) => {
      if (dir.trim() === "") throw new FieldbenchError("BAD_USAGE", "weights diagnose needs a package folder");
      const d = await import("@fieldbench/diagnostics");
      const report = d.diagnoseWeights(resolve(io.cwd, dir));
      await finishDiagnostic(io, flags, {
        result: report,
        table: d.formatWeightTable(report),
        files: async () => ({ "weights.json": d.toJson(report), "esd.svg": await d.renderEsdSvg(report) }),
      });
    });
}
