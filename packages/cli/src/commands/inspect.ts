import type { Command } from "commander";
import { FieldbenchError } from "@fieldbench/core";
import { readerEntries } from "@fieldbench/formats/registry";
import { type CliIo, printJson, printLine } from "../io.js";

interface InspectOptions {
  json?: boolean;
  var?: string;
  stats?: boolean;
  values?: boolean;
  inlineByte?: string;
  crosslineByte?: string;
}

export function registerInspect(program: Command, io: CliIo): void {
  program
    .command("inspect")
    .argument("<path>", "a file, a Zarr directory, or an http(s) URL of a Zarr store")
    .description("describe a file: format (sniffed from its bytes), dimensions, attributes and variables")
    .option("--json", "print one JSON document on stdout")
    .option("--var <name>", "one variable (group members as group/var)")
    .option(
      "--stats",
      "count, missing, min, max, mean, sum, first, last after CF decoding, and per channel/level (needs --var)",
    )
    .option("--values", "decoded values; CF time variables as ISO-8601 in their own calendar (needs --var)")
    .option("--inline-byte <n>", "SEG-Y: 1-based byte of the inline number in trace headers (default 189)")
    .option("--crossline-byte <n>", "SEG-Y: 1-based byte of the crossline number in trace headers (default 193)")
    .addHelpText(
      "after",
      // A function, so a reader registered after the command was built is listed too.
      () =>
        `\nFormats: ${readerEntries()
          .map((e) => e.description)
          .join(", ")}.\n` +
        "ERA5 and CMIP6 files also get an era5 / cmip6 block (layout, variables, model, experiment, member, calendar, time range).\n" +
        "Examples:\n" +
        "  fieldbench inspect t2m.nc                       # a header in the manner of ncdump -h\n" +
        "  fieldbench inspect t2m.nc --json                # {format, dims, attrs, variables}\n" +
        "  fieldbench inspect t2m.nc --var t2m --stats --json\n" +
        "  fieldbench inspect t2m.nc --var time --values --json",
    )
    .action(async (path: string, options: InspectOptions) => runInspect(path, options, io));
}

async function runInspect(path: string, options: InspectOptions, io: CliIo): Promise<void> {
  if ((options.stats || options.values) && options.var === undefined) {
    throw new FieldbenchError("BAD_USAGE", "--stats and --values need --var NAME");
  }
  if (options.stats && options.values) throw new FieldbenchError("BAD_USAGE", "choose one of --stats and --values");
  const formats = await import("@fieldbench/formats");
  const openOptions = {
    ...(options.inlineByte === undefined ? {} : { inlineByte: parseByte(options.inlineByte, "--inline-byte") }),
    ...(options.crosslineByte === undefined
      ? {}
      : { crosslineByte: parseByte(options.crosslineByte, "--crossline-byte") }),
  };
  const file = await formats.openFile(path, openOptions);
  try {
    if (options.var !== undefined && options.stats) {
      const stats = await formats.variableStats(file, options.var);
      if (options.json) printJson(io, stats);
      else printStats(stats, io);
      return;
    }
    if (options.var !== undefined && options.values) {
      const values = await formats.variableValues(file, options.var);
      if (options.json) printJson(io, values);
      else printLine(io, values.values.map((v) => (v === null ? "_" : String(v))).join(", "));
      return;
    }
    if (options.var !== undefined) {
      const info = formats.findVariable(file, options.var);
      const report = formats.describeFile(file).variables.find((v) => v.name === info.name);
      if (options.json) printJson(io, report);
      else printLine(io, JSON.stringify(report, null, 2));
      return;
    }
    // Source identity (ERA5 layout, CMIP6 model/experiment/member/calendar) as an extra block from loaders.
    const identity = (await (await import("@fieldbench/loaders")).describeSourceIdentity(file)) ?? {};
    if (options.json) printJson(io, { ...formats.describeFile(file), ...identity });
    else printLine(io, formats.formatHeader({ ...file, extra: { ...file.extra, ...identity } }));
  } finally {
    await file.close();
  }
}

function parseByte(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 237) {
    throw new FieldbenchError(
      "BAD_USAGE",
      `${flag} must be a byte position 1..237 within the 240-byte trace header, got ${text}`,
    );
  }
  return value;
}

function printStats(stats: import("@fieldbench/formats").VariableStats, io: CliIo): void {
  const { perChannel, perChannelDim, ...whole } = stats;
  for (const [key, value] of Object.entries(whole)) printLine(io, `${key.padEnd(8)} ${formatValue(value)}`);
  if (perChannel === undefined) return;
  printLine(io, `per ${perChannelDim}:`);
  for (const c of perChannel)
    printLine(
      io,
      `  ${String(c.index).padStart(3)}  count ${c.count} missing ${c.missing} min ${c.min} max ${c.max} mean ${c.mean}`,
    );
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  return value === null ? "null" : String(value);
}
