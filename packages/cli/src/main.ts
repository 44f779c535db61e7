import { Command, CommanderError } from "commander";
import { exitCodeFor, isFieldbenchError } from "@fieldbench/core";
import { type CliIo, printable, processIo } from "./io.js";
import { VERSION } from "./version.js";
import { registerInspect } from "./commands/inspect.js";
import { registerScore } from "./commands/score.js";
import { registerDatasets } from "./commands/datasets.js";
import { registerTrain } from "./commands/train.js";
import { registerRun } from "./commands/run.js";
import { registerDegrade } from "./commands/degrade.js";
import { registerMerge } from "./commands/merge.js";
import { registerSubmit } from "./commands/submit.js";
import { registerLeaderboard } from "./commands/leaderboard.js";
import { registerCiScore } from "./commands/ci-score.js";
import { registerReport } from "./commands/report.js";
import { registerWeights } from "./commands/weights.js";
import { registerConvergence } from "./commands/convergence.js";
import { registerTransfer } from "./commands/transfer.js";

/**
 * Each command lives in commands/<name>.ts and registers itself here with one line. A command parses
 * options, calls one library function and prints; errors travel up to `main`, the only place that
 * turns them into exit codes (0 ok, 1 failure of the work, 2 bad usage or bad input).
 */
const COMMANDS: readonly ((program: Command, io: CliIo) => void)[] = [
  registerInspect,
  registerScore,
  registerDatasets,
  registerTrain,
  registerRun,
  registerDegrade,
  registerMerge,
  registerSubmit,
  registerLeaderboard,
  registerCiScore,
  registerReport,
  registerWeights,
  registerConvergence,
  registerTransfer,
];

export function buildProgram(io: CliIo): Command {
  const program = new Command("fieldbench")
    .description(
      "A benchmark and dataset harness for scientific machine learning: read ERA5, CMIP6, SEG-Y and FLUXNET data,\n" +
        "score super-resolution models with the SuperBench protocol, and keep leaderboards.",
    )
    .version(VERSION, "-V, --version", "print the fieldbench version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    })
    .showHelpAfterError(false)
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 the work failed, 2 bad usage or bad input (one line on stderr says why).\n" +
        "Examples:\n  fieldbench inspect era5.nc\n  fieldbench inspect era5.nc --var t2m --stats --json",
    );
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI in-process (tests call this) and returns the exit code instead of exiting. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  // Bare `fieldbench` asks what the tool does: help is the answer, so it goes to stdout with status 0 (as
  // `--help` does), where commander would write it to stderr as if it were an error.
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
      return 0;
    io.stderr.write(`fieldbench: ${err.message.replace(/^error: /, "")} (see fieldbench --help)\n`);
    return 2;
  }
  if (isFieldbenchError(err)) {
    io.stderr.write(`fieldbench: ${printable(err.message.replace(/\n/g, " "))}\n`);
    return exitCodeFor(err);
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`fieldbench: internal error: ${printable(message.split("\n")[0] ?? "")}\n`);
  if (io.env.FIELDBENCH_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return 1;
}
