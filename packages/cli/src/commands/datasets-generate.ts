import { resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError, chooseProgressMode, createProgress } from "@fieldbench/core";
import { type CliIo, printJson, printLine } from "../io.js";

interface GenerateOptions {
  re?: string;
  size: string;
  snapshots: string;
  seed: string;
  backend: string;
  out?: string;
  k0: string;
  cfl: string;
  tStart: string;
  interval: string;
  lrFactor: string;
  forcing?: string;
  dt?: string;
  json?: boolean;
  quiet?: boolean;
}

const GENERATORS = ["nskt"] as const;

export function registerDatasetsGenerate(datasets: Command, io: CliIo): void {
  datasets
    .command("generate")
    .argument("<kind>", `what to generate: ${GENERATORS.join(", ")}`)
    .description("generate a physics dataset in the SuperBench layout, with a dataset card (parameters, sha256, time)")
    .option("--re <number>", "Reynolds number (viscosity 1/Re), e.g. 16000 or 32000")
    .option("--size <n>", "HR grid size, a power of two", "2048")
    .option("--snapshots <count>", "snapshots over all five splits (at least 10)", "100")
    .option("--seed <int>", "seed of the random initial vorticity", "0")
    .option("--backend <name>", "cpu (float64) or webgpu (float32 WGSL, needs a GPU)", "cpu")
    .option("--out <dir>", "output directory (default ./nskt_re<Re>_n<size>_seed<seed>)")
    .option("--k0 <k>", "peak wavenumber of the initial spectrum k^4 exp(-(k/k0)^2)", "10")
    .option("--cfl <c>", "CFL number of the time step", "0.5")
    .option("--t-start <t>", "simulated time before the first snapshot", "1")
    .option("--interval <t>", "simulated time between snapshots", "0.1")
    .option("--lr-factor <f>", "LR_fields from the same initial condition on a size/f grid (0: none)", "4")
    .option(
      "--forcing <k,amplitude,drag>",
      "Kolmogorov forcing u_x = amplitude sin(k y) with linear drag (default: decaying)",
    )
    .option("--dt <t>", "fixed time step instead of the CFL rule (for reproducible comparisons)")
    .option("--json", "print the dataset card as JSON on stdout")
    .option("--quiet", "no progress on stderr")
    .addHelpText(
      "after",
      "\nnskt: 2-D decaying Kraichnan turbulence on [0, 2pi]^2 (pseudo-spectral vorticity-streamfunction, 2/3 rule,\n" +
        "SSP-RK3, CFL time step; San & Staples 2012 initial spectrum). Writes <out>/{train,valid_1,valid_2,test_1,\n" +
        "test_2}/*.h5 with fields [N,3,H,W] float32 (u, v, w), LR_fields [N,3,H/4,W/4] and time [N]; the _2 splits\n" +
        "lie later in time than training. card.json and CARD.md hold all parameters, per-file sha256 and wall time.\n" +
        "Axes: x along rows (axis -2), y along columns (axis -1); u = dpsi/dy, v = -dpsi/dx.\n" +
        "Examples:\n" +
        "  fieldbench datasets generate nskt --re 16000 --size 256 --snapshots 20 --seed 1\n" +
        "  fieldbench datasets generate nskt --re 32000 --size 2048 --snapshots 200 --seed 7 --backend webgpu --out /data/nskt_32k",
    )
    .action(async (kind: string, options: GenerateOptions) => runGenerate(kind, options, io));
}

async function runGenerate(kind: string, options: GenerateOptions, io: CliIo): Promise<void> {
  if (!(GENERATORS as readonly string[]).includes(kind)) {
    throw new FieldbenchError("UNKNOWN_DATASET", `unknown generator ${kind}; use one of ${GENERATORS.join(", ")}`);
  }
  if (options.re === undefined)
    throw new FieldbenchError("BAD_USAGE", "datasets generate nskt needs --re (e.g. 16000)");
  const datagen = await import("@fieldbench/datagen");
  const backend = options.backend;
  if (!(datagen.NSKT_BACKENDS as readonly string[]).includes(backend)) {
    throw new FieldbenchError(
      "UNKNOWN_BACKEND",
      `unknown backend ${backend}; use one of ${datagen.NSKT_BACKENDS.join(", ")}`,
    );
  }
  const re = parseNumber(options.re, "--re");
  const size = parseInteger(options.size, "--size");
  const seed = parseInteger(options.seed, "--seed");
  const snapshots = parseInteger(options.snapshots, "--snapshots");
  const out = resolve(io.cwd, options.out ?? `nskt_re${options.re}_n${size}_seed${seed}`);
  const quiet = options.quiet === true;
  const progress = createProgress({
    label: `nskt Re ${re} ${size}^2`,
    total: snapshots,
    stream: io.stderr,
    mode: chooseProgressMode(io.stderr, quiet),
  });
  let done = 0;
  const card = await datagen.generateNskt({
    out,
    re,
    size,
    snapshots,
    seed,
    backend: backend as "cpu" | "webgpu",
    k0: parseNumber(options.k0, "--k0"),
    cfl: parseNumber(options.cfl, "--cfl"),
    tStart: parseNumber(options.tStart, "--t-start"),
    interval: parseNumber(options.interval, "--interval"),
    lrFactor: parseInteger(options.lrFactor, "--lr-factor"),
    ...(options.forcing === undefined ? {} : { forcing: parseForcing(options.forcing) }),
    ...(options.dt === undefined ? {} : { dt: parseNumber(options.dt, "--dt") }),
    onProgress: (now, _total, status) => {
      if (now > done) {
        progress.tick(now - done, status);
        done = now;
      }
    },
  });
  progress.done(`${card.steps.hr} steps in ${card.wallSeconds.toFixed(1)} s`);
  if (options.json) printJson(io, card);
  else {
    printLine(
      io,
      `wrote ${out} (${card.files.length} files, ${card.steps.hr} steps, ${card.wallSeconds.toFixed(1)} s)`,
    );
    for (const f of card.files) printLine(io, `${f.sha256}  ${f.path}`);
  }
}

function parseForcing(text: string): { k: number; amplitude: number; drag: number } {
  const parts = text.split(",");
  if (parts.length !== 3) throw new FieldbenchError("BAD_USAGE", `--forcing needs k,amplitude,drag, got "${text}"`);
  const k = parseInteger(parts[0], "--forcing k");
  const amplitude = parseNumber(parts[1], "--forcing amplitude");
  const drag = parseNumber(parts[2], "--forcing drag");
  if (k < 1 || drag < 0)
    throw new FieldbenchError("INVALID_VALUE", `--forcing needs k >= 1 and drag >= 0, got "${text}"`);
  return { k, amplitude, drag };
}

function parseNumber(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new FieldbenchError("BAD_USAGE", `${flag} needs a number, got "${text}"`);
  return value;
}

function parseInteger(text: string, flag: string): number {
  const value = parseNumber(text, flag);
  if (!Number.isSafeInteger(value)) throw new FieldbenchError("BAD_USAGE", `${flag} needs an integer, got "${text}"`);
  return value;
}
