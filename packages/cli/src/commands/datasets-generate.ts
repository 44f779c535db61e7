import { resolve } from "node:path";
import type { Command } from "commander";
import { FieldbenchError, chooseProgressMode, createProgress } from "@fieldbench/core";
import { type CliIo, printJson, printLine } from "../io.js";
import { parseShard } from "./run.js";

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
  release?: string;
  releaseSize: string;
  trajectories?: string;
  batch?: string;
  shard?: string;
  merge?: boolean;
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
    .option(
      "--release <key>",
      "generate a versioned release (nskt16k-fb-v1, nskt32k-fb-v1): many trajectories, one seed each",
    )
    .option("--release-size <name>", "release size: default (200/40/40+40) or superbench (1000/200/200)", "default")
    .option("--trajectories <train,valid,test>", "release only: trajectory counts instead of --release-size (previews)")
    .option("--shard <i/n>", "release only: generate trajectories whose index % n == i (a Slurm array, an Indexed Job)")
    .option("--batch <n>", "release only: trajectories stepped together (default 4 on webgpu, 1 on cpu; same values)")
    .option("--merge", "release only: merge the shards' manifests in --out into card.json without generating")
    .option("--json", "print the dataset card as JSON on stdout")
    .option("--quiet", "no progress on stderr")
    .addHelpText(
      "after",
      "\nnskt: 2-D decaying Kraichnan turbulence on [0, 2pi]^2 (pseudo-spectral vorticity-streamfunction, 2/3 rule,\n" +
        "SSP-RK3, CFL time step; San & Staples 2012 initial spectrum). Writes <out>/{train,valid_1,valid_2,test_1,\n" +
        "test_2}/*.h5 with fields [N,3,H,W] float32 (u, v, w), LR_fields [N,3,H/4,W/4] and time [N]; the _2 splits\n" +
        "lie later in time than training. card.json and CARD.md hold all parameters, per-file sha256 and wall time.\n" +
        "Axes: x along rows (axis -2), y along columns (axis -1); u = dpsi/dy, v = -dpsi/dx.\n" +
        "\nReleases (--release): trajectories with seeds 1000+ (train), 2000+ (valid), 3000+ (test); train trajectories\n" +
        "give only training-window snapshots, held-out ones give test_1 (same times, unseen flows) and test_2 (later\n" +
        "times). One file per trajectory and split; card.json lists every snapshot's value checksum, the train split's\n" +
        "z-score constants and per-split statistics. Shards write disjoint trajectories into one --out (or folders\n" +
        "copied together); the last shard to finish, or --merge, writes the card. An interrupted run keeps finished\n" +
        "trajectories: run the same command to resume. --size, --k0, --cfl, --t-start, --interval and --lr-factor\n" +
        "given explicitly override the release's values (a preview; its card says it is not the release).\n" +
        "Progress goes to stderr from the first step, spin-up included, with ETAs for the phase and the run.\n" +
        "Examples:\n" +
        "  fieldbench datasets generate nskt --re 16000 --size 256 --snapshots 20 --seed 1\n" +
        "  fieldbench datasets generate nskt --release nskt16k-fb-v1 --backend webgpu --out /data/nskt16k-fb-v1\n" +
        "  fieldbench datasets generate nskt --release nskt16k-fb-v1 --release-size superbench --shard $SLURM_ARRAY_TASK_ID/8 --backend webgpu --out /scratch/nskt16k\n" +
        "  fieldbench datasets generate nskt --release nskt16k-fb-v1 --release-size superbench --merge --out /scratch/nskt16k\n" +
        "  fieldbench datasets generate nskt --release nskt32k-fb-v1 --size 128 --out preview   # a small preview\n" +
        "  fieldbench datasets generate nskt --re 32000 --size 2048 --snapshots 200 --seed 7 --backend webgpu --out /data/nskt_32k",
    )
    .action(async (kind: string, options: GenerateOptions, command: Command) => {
      if (options.release !== undefined) return runRelease(kind, options, command, io);
      if (options.shard !== undefined || options.merge)
        throw new FieldbenchError("BAD_USAGE", "--shard and --merge apply to --release only");
      return runGenerate(kind, options, io);
    });
}

const OVERRIDABLE = [
  ["size", "size", "--size"],
  ["lrFactor", "lrFactor", "--lr-factor"],
  ["k0", "k0", "--k0"],
  ["cfl", "cfl", "--cfl"],
  ["tStart", "tStart", "--t-start"],
  ["interval", "interval", "--interval"],
] as const;

async function runRelease(kind: string, options: GenerateOptions, command: Command, io: CliIo): Promise<void> {
  checkKind(kind);
  for (const flag of ["re", "snapshots", "seed", "forcing", "dt"] as const) {
    if (command.getOptionValueSource(flag) === "cli")
      throw new FieldbenchError("BAD_USAGE", `--${flag} does not apply to --release (the release fixes it)`);
  }
  const datagen = await import("@fieldbench/datagen");
  const release = datagen.getRelease(options.release!);
  if (!(datagen.RELEASE_SIZES as readonly string[]).includes(options.releaseSize)) {
    throw new FieldbenchError(
      "BAD_USAGE",
      `--release-size must be one of ${datagen.RELEASE_SIZES.join(", ")}, got "${options.releaseSize}"`,
    );
  }
  const overrides: Record<string, number> = {};
  for (const [option, key, flag] of OVERRIDABLE) {
    if (command.getOptionValueSource(option) === "cli") overrides[key] = parseNumber(options[option], flag);
  }
  const common = {
    release,
    out: resolve(io.cwd, options.out ?? release.key),
    size:
      options.trajectories === undefined
        ? (options.releaseSize as "default" | "superbench")
        : parseTrajectories(options.trajectories),
    backend: parseBackend(options.backend, datagen.NSKT_BACKENDS),
    overrides,
  };
  if (options.merge) {
    const card = await datagen.mergeRelease(common);
    return printRelease(io, options, card, common.out);
  }
  const shard = parseShard(options.shard);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const log = progressPrinter(io, `${release.key}${shard ? ` shard ${shard.index}/${shard.count}` : ""}`, options);
  try {
    const outcome = await datagen.generateRelease({
      ...common,
      ...(shard === undefined ? {} : { shard }),
      ...(options.batch === undefined ? {} : { batch: parseInteger(options.batch, "--batch") }),
      signal: abort.signal,
      onProgress: log,
    });
    if (outcome.card !== undefined) return printRelease(io, options, outcome.card, common.out);
    if (options.json) printJson(io, outcome.manifest);
    else
      printLine(
        io,
        `shard ${outcome.manifest.shard.index}/${outcome.manifest.shard.count}: ${outcome.generated} trajectories generated, ${outcome.resumed} resumed; the card is written when every shard is done (or run with --merge)`,
      );
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

function printRelease(
  io: CliIo,
  options: GenerateOptions,
  card: import("@fieldbench/datagen").ReleaseCard,
  out: string,
) {
  if (options.json) return printJson(io, card);
  const d = card.dataset;
  printLine(
    io,
    `wrote ${out}/card.json: ${card.name}, train ${d.splitSizes.train}, valid ${d.splitSizes.valid}, test ${d.splitSizes.test} snapshots, ${card.files.length} files`,
  );
  printLine(io, `test value checksum ${d.testValueSha256}`);
  printLine(io, `z-score constants (train): mean ${d.mean.join(", ")}; std ${d.std.join(", ")}`);
}

/** Progress lines on stderr: the very first step, then at most one every 5 s, and each trajectory skipped on resume. */
function progressPrinter(io: CliIo, label: string, options: GenerateOptions) {
  if (options.quiet) return () => {};
  let last = Number.NEGATIVE_INFINITY;
  return (e: import("@fieldbench/datagen").GenerationProgress) => {
    const now = Date.now();
    if (e.phase !== "skipped" && now - last < 5000) return;
    last = now;
    const where = `${label}: trajectory ${e.ordinal}/${e.trajectories} seed ${e.seed}`;
    if (e.phase === "skipped") {
      io.stderr.write(`${where} already generated (resumed)\n`);
      return;
    }
    const etas =
      e.phaseEtaSeconds === undefined
        ? ""
        : ` (${e.phase} eta ${formatSeconds(e.phaseEtaSeconds)}, run eta ${formatSeconds(e.runEtaSeconds ?? 0)})`;
    io.stderr.write(`${where} ${e.phase} t ${e.time.toFixed(4)}/${e.phaseEnd.toFixed(4)}${etas}\n`);
  };
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, "0")}m`;
}

function parseTrajectories(text: string): { train: number; valid: number; test: number } {
  const parts = text.split(",");
  if (parts.length !== 3)
    throw new FieldbenchError("BAD_USAGE", `--trajectories needs train,valid,test counts, got "${text}"`);
  const [train, valid, test] = parts.map((p, i) => parseInteger(p, `--trajectories ${["train", "valid", "test"][i]}`));
  return { train: train!, valid: valid!, test: test! };
}

function checkKind(kind: string): void {
  if (!(GENERATORS as readonly string[]).includes(kind)) {
    throw new FieldbenchError("UNKNOWN_DATASET", `unknown generator ${kind}; use one of ${GENERATORS.join(", ")}`);
  }
}

function parseBackend(name: string, known: readonly string[]): "cpu" | "webgpu" {
  if (!known.includes(name))
    throw new FieldbenchError("UNKNOWN_BACKEND", `unknown backend ${name}; use one of ${known.join(", ")}`);
  return name as "cpu" | "webgpu";
}

async function runGenerate(kind: string, options: GenerateOptions, io: CliIo): Promise<void> {
  checkKind(kind);
  if (options.re === undefined)
    throw new FieldbenchError("BAD_USAGE", "datasets generate nskt needs --re (e.g. 16000) or --release KEY");
  const datagen = await import("@fieldbench/datagen");
  const backend = parseBackend(options.backend, datagen.NSKT_BACKENDS);
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
    backend,
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
    // The snapshot counter stays at 0 through the spin-up: these lines say the run is alive and when it ends.
    onStep: progressPrinter(io, `nskt Re ${re} ${size}^2`, options),
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
