import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { registerDatasetsCatalog } from "./datasets-catalog.js";
import { registerDatasetsCmip6 } from "./datasets-cmip6.js";
import { registerDatasetsGenerate } from "./datasets-generate.js";
import {
  registerDatasetsDownload,
  registerDatasetsInfo,
  registerDatasetsList,
  registerDatasetsVerify,
} from "./datasets-registry.js";

/**
 * `fieldbench datasets <subcommand>`: each subcommand lives in its own datasets-<name>.ts and is
 * attached here with one line in SUBCOMMANDS (list, info, generate, download, verify, catalog, ...).
 */
const SUBCOMMANDS: readonly ((datasets: Command, io: CliIo) => void)[] = [
  registerDatasetsList,
  registerDatasetsInfo,
  registerDatasetsVerify,
  registerDatasetsDownload,
  registerDatasetsCatalog,
  registerDatasetsCmip6,
  registerDatasetsGenerate,
];

export function registerDatasets(program: Command, io: CliIo): void {
  const datasets = program
    .command("datasets")
    .description("dataset tools: list, info, verify, download, generate, catalogs of ERA5/CMIP6 trees")
    .addHelpText(
      "after",
      "\nExamples:\n  fieldbench datasets list\n  fieldbench datasets verify nskt_16k --data ./nskt_16k\n  fieldbench datasets catalog /data/cmip6 --out catalog.csv",
    );
  for (const register of SUBCOMMANDS) register(datasets, io);
}
