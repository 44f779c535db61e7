import { resolve } from "node:path";
import type { Command } from "commander";
import Table from "cli-table3";
import { FieldbenchError, createProgress, formatBytes } from "@fieldbench/core";
import { type CliIo, printJson, printLine } from "../io.js";

/** A plain aligned table: no box drawing, no colours, two spaces between columns (as `ls -l` and `git` print). */
const BORDERLESS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};
const TABLE_STYLE = { head: [], border: [], "padding-left": 0, "padding-right": 0 };

/**
 * `fieldbench datasets list | info | verify | download`: what fieldbench knows about each dataset, whether a
 * folder on disk is that dataset, and a resumable download for data published at a URL.
 */
export function registerDatasetsList(datasets: Command, io: CliIo): void {
  datasets
    .command("list")
    .description("the dataset keys fieldbench has specs for (channels, grid, whether a copy is shipped)")
    .option("--json", "print one JSON document")
    .action(async (options: { json?: boolean }) => {
      const { listDatasets } = await import("@fieldbench/superbench");
      const rows = listDatasets();
      if (options.json) return printJson(io, rows);
      // cli-table3 sizes each column to its widest cell, so a long key or title cannot shift the columns.
      const table = new Table({
        head: ["key", "grid", "channels", "shipped", "title"],
        chars: BORDERLESS,
        style: TABLE_STYLE,
      });
      for (const d of rows) table.push([d.key, d.hr.join("x"), d.channels.join(","), d.embedded ? "yes" : "", d.title]);
      printLine(io, table.toString().replace(/ +$/gm, ""));
    });
}

export function registerDatasetsInfo(datasets: Command, io: CliIo): void {
  datasets
    .command("info")
    .argument("<key>", "a dataset key (see fieldbench datasets list)")
    .description("a dataset's spec: channels, units, grid, normalisation constants, splits, card and checksums")
    .option("--json", "print one JSON document")
    .action(async (key: string, options: { json?: boolean }) => {
      const { datasetInfo } = await import("@fieldbench/superbench");
      const info = await datasetInfo(key);
      if (options.json) return printJson(io, info);
      const { spec } = info;
      printLine(io, `${spec.key} (version ${spec.version}): ${spec.title}`);
      printLine(
        io,
        `grid ${spec.hr.join(" x ")} (stored rows ${spec.storedRows}); bicubic tasks use ${spec.bicubicMethod}`,
      );
      spec.channels.forEach((c, i) => {
        printLine(io, `  ${c.name.padEnd(10)} mean ${spec.mean[i]} std ${spec.std[i]}  ${c.units}: ${c.description}`);
      });
      printLine(
        io,
        `splits: train ${spec.splitSizes.train}, valid ${spec.splitSizes.valid}, test ${spec.splitSizes.test}`,
      );
      printLine(io, `source: ${spec.source}`);
      if (info.card) printLine(io, `card: ${info.card}`);
      if (info.embedded) printLine(io, `shipped copy: ${info.embedded}`);
      for (const k of info.knownChecksums) printLine(io, `published test checksum: ${k.checksum}`);
    });
}

export function registerDatasetsVerify(datasets: Command, io: CliIo): void {
  datasets
    .command("verify")
    .argument("[key]", "the dataset the folder should hold (optional when --data has a card.json)")
    .description(
      "check a SuperBench-layout folder against a dataset spec, its published checksum and its card's values",
    )
    .option("--data <dir>", "the folder (train/ valid_1/ valid_2/ test_1/ test_2/); default: the shipped copy")
    .option(
      "--statistics",
      "data generated elsewhere: report differing values, and compare each split's moments and energy spectrum with the card's",
    )
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nA generated folder (card.json with value checksums) has every snapshot's float32 values checked against the\n" +
        "card: sha256 of the values, so HDF5's own bytes do not matter. The same command on the same GPU and Dawn\n" +
        "version regenerates the same values; other hardware does not, and --statistics then checks channel means\n" +
        "(within 0.05 std), stds (10%) and the mean energy spectrum (0.1 log10 RMS) instead.\n" +
        "Exit codes: 0 the folder is the dataset, 1 it differs (the problems are listed), 2 bad usage.\n" +
        "Examples:\n" +
        "  fieldbench datasets verify nskt_16k --data ./nskt_16k\n" +
        "  fieldbench datasets verify nskt16k-fb-v1 --data ./nskt16k-fb-v1\n" +
        "  fieldbench datasets verify --data ./my-regenerated-release --statistics --json",
    )
    .action(async (key: string | undefined, options: { data?: string; statistics?: boolean; json?: boolean }) => {
      const superbench = await import("@fieldbench/superbench");
      if (key !== undefined) superbench.getDataset(key);
      if (key === undefined && options.data === undefined) {
        throw new FieldbenchError("BAD_USAGE", "datasets verify needs a dataset KEY or --data DIR with a card.json");
      }
      const root = options.data === undefined ? superbench.embeddedDataRoot(key!) : resolve(io.cwd, options.data);
      const report = await superbench.verifyDataset(key, root, { statistics: options.statistics === true });
      if (options.json) printJson(io, report);
      else {
        for (const s of report.splits)
          printLine(io, `${s.split.padEnd(8)} ${s.files} file(s), ${s.snapshots} snapshot(s)`);
        if (report.checksum) printLine(io, `test checksum ${report.checksum}`);
        for (const s of report.statistics ?? []) {
          printLine(
            io,
            `${s.split.padEnd(8)} mean shift ${s.meanShift.toFixed(4)} std, std ${(100 * s.stdRelative).toFixed(2)}%, spectrum ${s.spectrumLog10Rms.toFixed(4)} log10 RMS: ${s.ok ? "within tolerance" : "OUTSIDE tolerance"}`,
          );
        }
        if (report.summary) printLine(io, report.summary);
        for (const p of report.problems) printLine(io, `problem: ${p}`);
        printLine(io, report.ok ? `${report.key}: ok` : `${report.key}: ${report.problems.length} problem(s)`);
      }
      if (!report.ok)
        throw new FieldbenchError(
          "WORK_FAILED",
          `${root} is not a complete ${report.key} (${report.problems.length} problem(s))`,
        );
    });
}

export function registerDatasetsDownload(datasets: Command, io: CliIo): void {
  datasets
    .command("download")
    .argument("<url...>", "http(s) URLs of the files to fetch (e.g. one per split file)")
    .description(
      "download data files, resumably (HTTP Range), with sha256 and nothing half-written under the final name",
    )
    .requiredOption("--out <dir>", "folder to write into")
    .option("--sha256 <hex>", "expected sha256 (one URL only)")
    .option("--json", "print one JSON document")
    .option("--quiet", "no progress on stderr")
    .addHelpText(
      "after",
      "\nSuperBench v2 publishes no stable file URLs, so fieldbench ships none: pass the URLs you have. An interrupted\n" +
        "download resumes from <file>.part when run again. Then check the folder with `fieldbench datasets verify`.\n" +
        "Example:\n  fieldbench datasets download https://host/superbench/nskt_16k/test_1/0.h5 --out nskt_16k/test_1",
    )
    .action(async (urls: string[], options: { out: string; sha256?: string; json?: boolean; quiet?: boolean }) => {
      if (options.sha256 !== undefined && urls.length !== 1) {
        throw new FieldbenchError("BAD_USAGE", "--sha256 checks one file: pass a single URL with it");
      }
      const { downloadFile } = await import("@fieldbench/core");
      const dir = resolve(io.cwd, options.out);
      const done = [];
      for (const url of urls) {
        // Counted in bytes, so the rate reads MiB/s and the ETA is real; the total is known at the first response.
        let progress: ReturnType<typeof createProgress> | undefined;
        let last = 0;
        const got = await downloadFile(url, dir, {
          ...(options.sha256 === undefined ? {} : { sha256: options.sha256 }),
          onProgress: (received, total) => {
            progress ??= createProgress({
              label: url,
              total: total ?? 0,
              stream: io.stderr,
              formatValue: formatBytes,
              ...(options.quiet ? { mode: "quiet" as const } : {}),
            });
            progress.tick(received - last);
            last = received;
          },
        });
        progress?.done();
        done.push(got);
        if (!options.json)
          printLine(
            io,
            `${got.path} ${formatBytes(got.bytes)} sha256 ${got.sha256}${got.resumedFrom > 0 ? " (resumed)" : ""}`,
          );
      }
      if (options.json) printJson(io, done);
    });
}
