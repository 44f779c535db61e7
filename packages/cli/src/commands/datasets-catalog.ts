import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError, writeFileAtomic } from "@fieldbench/core";
import { type CliIo, printJson } from "../io.js";

interface CatalogOptions {
  out?: string;
  json?: boolean;
  skipInvalid?: boolean;
}

export function registerDatasetsCatalog(datasets: Command, io: CliIo): void {
  datasets
    .command("catalog")
    .argument("<dir>", "a directory tree of ERA5 and CMIP6 files (NetCDF, GRIB2, Zarr stores)")
    .description("write an intake-esm style CSV catalog: one row per CMIP6 file or ERA5 variable")
    .option("--out <file>", "write the CSV here (default: print it on stdout)")
    .option("--json", "print {rows, skipped} as JSON instead of CSV")
    .option("--skip-invalid", "leave out bad CMIP6/ERA5 files (listed on stderr) instead of failing on the first")
    .addHelpText(
      "after",
      "\nColumns: project, activity_id, institution_id, source_id, experiment_id, member_id, table_id, variable_id,\n" +
        "grid_label, version, frequency, calendar, time_range, start_time, end_time, units, layout, format, path.\n" +
        "CMIP6 files must carry DRS names (<variable_id>_<table_id>_<source_id>_<experiment_id>_<member_id>_<grid_label>[_<time_range>].nc)\n" +
        "and the required global attributes; a bad one stops the catalog (exit 2) unless --skip-invalid.\n" +
        "Examples:\n" +
        "  fieldbench datasets catalog /data/CMIP6 --out cmip6.csv\n" +
        "  fieldbench datasets catalog ./era5 --json",
    )
    .action(async (dir: string, options: CatalogOptions) => runCatalog(dir, options, io));
}

async function runCatalog(dir: string, options: CatalogOptions, io: CliIo): Promise<void> {
  if (options.out !== undefined && options.json)
    throw new FieldbenchError("BAD_USAGE", "choose one of --out and --json");
  const loaders = await import("@fieldbench/loaders");
  const root = resolve(io.cwd, dir);
  const out = options.out === undefined ? undefined : resolve(io.cwd, options.out);
  const result = await loaders.buildCatalog(root, {
    ...(options.skipInvalid ? { skipInvalid: true } : {}),
    ...(out === undefined ? {} : { relativeTo: dirname(out) }),
  });
  for (const line of result.skipped) io.stderr.write(`fieldbench: skipped ${line}\n`);
  if (options.json) {
    printJson(io, result);
    return;
  }
  const csv = loaders.catalogCsv(result.rows);
  if (out === undefined) {
    io.stdout.write(csv);
    return;
  }
  // Atomic, so a failure never leaves half a catalog behind.
  try {
    await writeFileAtomic(out, csv);
  } catch (cause) {
    throw new FieldbenchError("WORK_FAILED", `${out}: cannot write the catalog (${(cause as Error).message})`, {
      path: out,
      cause,
    });
  }
  io.stderr.write(`fieldbench: wrote ${result.rows.length} rows to ${out}\n`);
}
