import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import { type CliIo, printJson, printLine } from "../io.js";

interface DegradeFlags {
  in: string;
  out: string;
  scale: string;
  method: string;
  dataset?: string;
  noise?: string;
  split?: string;
  json?: boolean;
}

export function registerDegrade(program: Command, io: CliIo): void {
  program
    .command("degrade")
    .description("make low-resolution fields with a SuperBench degradation, one snapshot at a time")
    .requiredOption(
      "--in <path>",
      "HR fields [C,H,W] or [N,C,H,W]: a .npy file, or HDF5 as file.h5[:dataset] (default dataset fields)",
    )
    .requiredOption(
      "--out <path>",
      "LR output, format from the extension: .npy, or HDF5 as file.h5|.hdf5|.nc[:dataset] (default dataset LR_fields)",
    )
    .requiredOption("--scale <s>", "integer downsampling factor (8, 16)")
    .option("--method <m>", "bicubic-aa (NSKT, cosmo), bicubic (ERA5), uniform, noisy-uniform", "bicubic-aa")
    .option(
      "--dataset <key>",
      "dataset spec: checks channels, drops ERA5's 721st row, gives noisy-uniform its channel std",
    )
    .option("--noise <ratio>", "noisy-uniform: noise std as a fraction of the channel std (0.05 or 0.10)")
    .option("--split <name>", "noisy-uniform: split name in the noise seed (default: the input's parent folder)")
    .option("--json", "print {inputShape, outputShape, method, output} as JSON")
    .addHelpText(
      "after",
      "\nbicubic-aa is Pillow's / torch antialiased bicubic (a = -0.5, support 2s); bicubic is PyTorch's plain 4-tap\n" +
        "cubic (A = -0.75, clamped); uniform takes every s-th pixel; noisy-uniform adds r * std_c * N(0,1) noise,\n" +
        "frozen by a seed derived from (dataset, split, snapshot index).\n" +
        "Examples:\n" +
        "  fieldbench degrade --in test_1/data.h5 --scale 8 --out lr.h5\n" +
        "  fieldbench degrade --in era5_2009.h5:fields --dataset era5 --method bicubic --scale 8 --out lr.npy\n" +
        "  fieldbench degrade --in hr.npy --method noisy-uniform --noise 0.05 --dataset nskt_16k --scale 8 --out lr.npy",
    )
    .action(async (flags: DegradeFlags) => runDegrade(flags, io));
}

async function runDegrade(flags: DegradeFlags, io: CliIo): Promise<void> {
  const scale = Number(flags.scale);
  const ratio = flags.noise === undefined ? undefined : Number(flags.noise);
  if (ratio !== undefined && !(Number.isFinite(ratio) && ratio >= 0)) {
    throw new FieldbenchError("BAD_USAGE", `--noise must be a non-negative number, got "${flags.noise}"`);
  }
  const { degradeFile } = await import("@fieldbench/superbench");
  const result = await degradeFile({
    input: flags.in,
    output: flags.out,
    method: flags.method,
    scale,
    ...(flags.dataset === undefined ? {} : { dataset: flags.dataset }),
    ...(ratio === undefined ? {} : { ratio }),
    ...(flags.split === undefined ? {} : { split: flags.split }),
  });
  if (flags.json) printJson(io, result);
  else
    printLine(
      io,
      `${result.method}: [${result.inputShape.join(", ")}] -> [${result.outputShape.join(", ")}] ${result.output}`,
    );
}
