import { resolve } from "node:path";
import type { Command } from "commander";
import { type CliIo, printJson, printLine } from "../io.js";

interface Cmip6Options {
  json?: boolean;
  requireContinuous?: boolean;
}

export function registerDatasetsCmip6(datasets: Command, io: CliIo): void {
  datasets
    .command("cmip6")
    .argument("<files...>", "CMIP6 NetCDF files of one variable of one simulation (any order)")
    .description("open CMIP6 files as one series: identity, files in time order, time range, gaps and overlaps")
    .option("--json", "print one JSON document on stdout")
    .option("--require-continuous", "exit 2 when the time axis has a gap or an overlap")
    .addHelpText(
      "after",
      "\nChecks DRS file names and directories, the required CMIP6 global attributes and that all files agree,\n" +
        "then joins their time axes (any CF calendar) and reports missing or repeated steps with their dates.\n" +
        "Examples:\n" +
        "  fieldbench datasets cmip6 tas_Amon_CESM2_historical_r1i1p1f1_gn_*.nc\n" +
        "  fieldbench datasets cmip6 --json --require-continuous pr_day_*.nc",
    )
    .action(async (files: string[], options: Cmip6Options) => runCmip6(files, options, io));
}

async function runCmip6(files: string[], options: Cmip6Options, io: CliIo): Promise<void> {
  const loaders = await import("@fieldbench/loaders");
  const dataset = await loaders.openCmip6Dataset(
    files.map((f) => resolve(io.cwd, f)),
    options.requireContinuous ? { requireContinuous: true } : {},
  );
  try {
    const report = {
      name: dataset.name,
      identity: dataset.identity,
      steps: dataset.time.iso.length,
      time: { units: dataset.time.units, calendar: dataset.time.calendar, bounds: dataset.time.bounds !== undefined },
      grid: {
        lat: dataset.lat.length,
        lon: dataset.lon.length,
        bounds: dataset.latBounds !== undefined && dataset.lonBounds !== undefined,
      },
      files: dataset.files,
      issues: dataset.issues,
    };
    if (options.json) {
      printJson(io, report);
      return;
    }
    const id = dataset.identity;
    printLine(io, `${dataset.name}`);
    printLine(io, `  ${id.variable_id} (${id.units ?? "no units"}), ${id.frequency}, calendar ${id.calendar}`);
    printLine(
      io,
      `  ${report.steps} steps from ${id.time_start ?? "-"} to ${id.time_end ?? "-"} in ${dataset.files.length} files`,
    );
    for (const f of dataset.files) printLine(io, `    ${f.start} .. ${f.end}  ${f.steps} steps  ${f.path}`);
    if (dataset.issues.length === 0) printLine(io, "  time axis continuous");
    for (const issue of dataset.issues) printLine(io, `  ${issue.message}`);
  } finally {
    await dataset.close();
  }
}
