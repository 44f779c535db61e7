import { existsSync } from "node:fs";
import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import type { OpenFile } from "@fieldbench/formats";
import {
  type Metric,
  type SnapshotSource,
  type SourcesScore,
  getMetric,
  listMetrics,
  scoreSources,
} from "@fieldbench/metrics";
import { datasetKeys, datasetLatitudes, getDataset } from "@fieldbench/superbench/datasets";
import { type CliIo, printJson, printLine } from "../io.js";

interface ScoreCliOptions {
  pred: string;
  truth: string;
  metrics?: string;
  channels?: string;
  dataset?: string;
  dataRange?: string;
  gridSpacing?: string;
  climatology?: string;
  seed?: string;
  json?: boolean;
}

export function registerScore(program: Command, io: CliIo): void {
  program
    .command("score")
    .description(
      "score a prediction against the truth with pixel, perceptual and physics metrics (SuperBench protocol)",
    )
    .requiredOption(
      "--pred <path>",
      "prediction: file.npy, file.h5:dataset, file.nc:variable, or a Zarr array (CF-decoded as inspect --stats)",
    )
    .requiredOption("--truth <path>", "ground truth, same forms and same shape [C,H,W] or [N,C,H,W]")
    .option("--metrics <list>", "comma-separated metric names (default: every metric the inputs and options allow)")
    .option("--channels <list>", "channel names, e.g. u,v,w (physics metrics use channels 0 and 1 as u and v)")
    .option("--dataset <key>", `z-score pixel metrics with this dataset's constants: ${datasetKeys().join(", ")}`)
    .option("--data-range <R>", "fixed data range (z-units with --dataset) for psnr_range, ms_ssim and ssim")
    .option("--grid-spacing <h>", "grid spacing for derivatives (default 2*pi/W, as SuperBench)")
    .option("--climatology <path>", "climatology [C,H,W] for acc (raw units)")
    .option("--seed <n>", "seed of the bootstrap confidence intervals (default 0)")
    .option("--json", "print one JSON document on stdout")
    .addHelpText(
      "after",
      // A function: the list is read from the registry when help is printed, so registered metrics appear too.
      () =>
        "\nOutput (--json): {metrics:{name:value}, perChannel:[{name:value}...], channels, ci95:{name:[lo,hi]},\n" +
        'snapshots, maskedTruth, invalidPrediction, nonFinite:{name:"NaN"|"Infinity"}}: the mean over (snapshot, channel) as\n' +
        "SuperBench; JSON has no NaN/Infinity, so such values print as null and are named in nonFinite.\n" +
        "Truth NaN pixels are masked and counted; NaN/Inf predictions are counted and make the metrics they touch NaN.\n" +
        metricsHelp(listMetrics()) +
        "Examples:\n" +
        "  fieldbench score --pred pred.npy --truth truth.npy --json\n" +
        "  fieldbench score --pred out.h5:fields --truth test_1/0.h5:fields --dataset nskt_16k --metrics rfne,psnr,ssim\n" +
        "  fieldbench score --pred p.npy --truth t.npy --data-range 10 --channels u,v,w --json",
    )
    .action(async (options: ScoreCliOptions) => runScore(options, io));
}

/** One line per metric: name, unit, which way is better, definition (from its descriptor). */
function metricsHelp(metrics: readonly Metric[]): string {
  const width = Math.max(...metrics.map((m) => m.id.length));
  const unitWidth = Math.max(...metrics.map((m) => m.unit.length));
  const lines = metrics.map(
    (m) =>
      `  ${m.id.padEnd(width)}  ${m.unit.padEnd(unitWidth)}  ${m.better === "lower" ? "v" : "^"}  ${m.description}`,
  );
  return `Metrics (name, unit, v lower / ^ higher is better; z = z-scored with --dataset, else raw units):\n${lines.join("\n")}\n`;
}

function parseNumber(text: string, flag: string, positive = true): number {
  const value = Number(text);
  if (!Number.isFinite(value) || (positive && value <= 0)) {
    throw new FieldbenchError("BAD_USAGE", `${flag} needs a ${positive ? "positive " : ""}number, got '${text}'`);
  }
  return value;
}

/** `file.h5:fields` -> [file.h5, fields]; a path that exists as given is taken whole. */
function splitTarget(target: string): { path: string; variable?: string } {
  if (existsSync(target)) return { path: target };
  const at = target.lastIndexOf(":");
  if (at > 0) return { path: target.slice(0, at), variable: target.slice(at + 1) };
  return { path: target };
}

function pickVariable(file: OpenFile, requested: string | undefined): string {
  if (requested !== undefined) {
    if (!file.variables.some((v) => v.name === requested)) {
      throw new FieldbenchError(
        "VARIABLE_NOT_FOUND",
        `${file.path}: no variable ${requested} (has ${file.variables.map((v) => v.name).join(", ")})`,
        { path: file.path },
      );
    }
    return requested;
  }
  // SuperBench files keep HR data under `fields`; otherwise the one 3-D or 4-D variable.
  if (file.variables.some((v) => v.name === "fields")) return "fields";
  const candidates = file.variables.filter((v) => v.shape.length === 3 || v.shape.length === 4);
  if (candidates.length === 1) return (candidates[0] as { name: string }).name;
  throw new FieldbenchError(
    "BAD_USAGE",
    `${file.path}: name the array to score as ${file.path}:VARIABLE (3-D/4-D variables: ${candidates.map((v) => v.name).join(", ") || "none"})`,
    { path: file.path },
  );
}

async function openSource(target: string): Promise<{ source: SnapshotSource; close: () => Promise<void> }> {
  const { openFile, readDecodedFloat32 } = await import("@fieldbench/formats");
  const { path, variable } = splitTarget(target);
  const file = await openFile(path);
  const name = pickVariable(file, variable);
  const info = file.variables.find((v) => v.name === name) as { shape: readonly number[] };
  const rank = info.shape.length;
  const source: SnapshotSource = {
    name: target,
    shape: info.shape,
    // CF-decoded as inspect --stats shows the values: packed int16 scored as stored would be meaningless.
    readSnapshot: async (n) => (await readDecodedFloat32(file, name, rank === 4 ? [n] : undefined)).values,
  };
  return { source, close: () => file.close() };
}

async function runScore(options: ScoreCliOptions, io: CliIo): Promise<void> {
  const names = options.metrics
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const name of names ?? []) getMetric(name); // unknown names fail before any file is read
  const spec = options.dataset === undefined ? undefined : getDataset(options.dataset);
  const dataRange = options.dataRange === undefined ? undefined : parseNumber(options.dataRange, "--data-range");
  const gridSpacing =
    options.gridSpacing === undefined ? undefined : parseNumber(options.gridSpacing, "--grid-spacing");
  const seed = options.seed === undefined ? undefined : parseNumber(options.seed, "--seed", false);

  const pred = await openSource(options.pred);
  const truth = await openSource(options.truth).catch(async (err: unknown) => {
    await pred.close();
    throw err;
  });
  try {
    const shape = truth.source.shape;
    const channels = shape.length >= 3 ? (shape[shape.length - 3] as number) : 0;
    const rows = shape.length >= 2 ? (shape[shape.length - 2] as number) : 0;
    const channelNames = options.channels?.split(",").map((s) => s.trim()) ?? spec?.channels.map((c) => c.name);
    if (channelNames !== undefined && channelNames.length !== channels) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${channelNames.length} channel names (${channelNames.join(",")}) for ${channels} channels`,
      );
    }
    const climatology =
      options.climatology === undefined ? undefined : await readWhole(options.climatology, "--climatology");
    const latitudes = spec !== undefined && rows === spec.hr[0] ? datasetLatitudes(spec, rows) : undefined;
    const result = await scoreSources(pred.source, truth.source, {
      ...(names === undefined ? {} : { metrics: names }),
      ...(spec === undefined ? {} : { normalization: { mean: spec.mean, std: spec.std } }),
      ...(dataRange === undefined ? {} : { dataRange }),
      ...(gridSpacing === undefined ? {} : { gridSpacing }),
      ...(channelNames === undefined ? {} : { channelNames }),
      ...(latitudes === undefined ? {} : { latitudes }),
      ...(climatology === undefined ? {} : { climatology }),
      ...(seed === undefined ? {} : { seed }),
      onSnapshot: (done, total) => {
        if (total > 1) io.stderr.write(`scored snapshot ${done}/${total}\n`);
      },
    });
    report(result, channelNames, options.json === true, io);
  } finally {
    await pred.close();
    await truth.close();
  }
}

async function readWhole(target: string, flag: string): Promise<Float32Array> {
  const { source, close } = await openSource(target);
  try {
    if (source.shape.length !== 3) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `${flag} ${target} has shape [${source.shape.join(", ")}], not [C, H, W]`,
      );
    }
    return await source.readSnapshot(0);
  } finally {
    await close();
  }
}

/** JSON has no NaN or Infinity (printJson writes null): name them here so a null is never ambiguous. */
function nonFinite(metrics: Readonly<Record<string, number>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metrics)
      .filter(([, v]) => !Number.isFinite(v))
      .map(([k, v]) => [k, String(v)]),
  );
}

function report(result: SourcesScore, channelNames: readonly string[] | undefined, json: boolean, io: CliIo): void {
  const channels = channelNames ?? result.perChannel.map((_, c) => `channel_${c}`);
  if (json) {
    printJson(io, {
      metrics: result.metrics,
      perChannel: result.perChannel,
      channels,
      ci95: result.ci95,
      snapshots: result.snapshots,
      maskedTruth: result.maskedTruth,
      invalidPrediction: result.invalidPrediction,
      nonFinite: nonFinite(result.metrics),
    });
    return;
  }
  const fmt = (v: number | undefined): string =>
    v === undefined ? "" : Number.isFinite(v) ? v.toPrecision(6) : String(v);
  printLine(
    io,
    ["metric".padEnd(22), "mean".padStart(12), "ci95".padStart(28), ...channels.map((c) => c.padStart(12))].join(" "),
  );
  for (const name of result.metricNames) {
    const ci = result.ci95[name];
    printLine(
      io,
      [
        name.padEnd(22),
        fmt(result.metrics[name]).padStart(12),
        (ci === undefined ? "" : `[${fmt(ci[0])}, ${fmt(ci[1])}]`).padStart(28),
        ...result.perChannel.map((r) => fmt(r[name]).padStart(12)),
      ].join(" "),
    );
  }
  printLine(
    io,
    `snapshots ${result.snapshots}; masked truth pixels ${result.maskedTruth.join(",")}; invalid prediction pixels ${result.invalidPrediction.join(",")}`,
  );
}
