import { stringify } from "csv-stringify/sync";
import type { Board } from "../rank.js";
import { orderMetrics } from "../rank.js";
import { channelColumns, csvText } from "./format.js";

/**
 * One row per (board, entry): identity columns, then `<metric>`, `<metric>_ci_lo`, `<metric>_ci_hi` for every metric
 * in any board, then `<channel>_<metric>` per-channel columns. Undefined values are empty cells; numbers are written
 * in full precision (JavaScript's shortest round-trip form).
 */
export function renderCsv(boards: readonly Board[]): string {
  const metrics = orderMetrics(boards.flatMap((b) => b.metrics));
  const channelCols = [
    ...new Map(boards.flatMap((b) => channelColumns(b)).map((c) => [`${c.name}_${c.metric}`, c] as const)).values(),
  ];
  const header = [
    "dataset",
    "dataset_version",
    "task",
    "mode",
    "split",
    "rank",
    "model",
    "model_version",
    "integrity",
    "parameters",
    "snapshots",
    "spec_version",
    "date",
    "file",
    ...metrics.flatMap((m) => [m, `${m}_ci_lo`, `${m}_ci_hi`]),
    ...channelCols.map((c) => `${c.name}_${c.metric}`),
  ];
  const cell = (v: number | null | undefined): string | number => (v === null || v === undefined ? "" : v);
  const rows = boards.flatMap((b) =>
    b.entries.map((e) => {
      const s = e.result.splits[b.split];
      return [
        b.dataset,
        b.datasetVersion,
        b.task,
        b.mode,
        b.split,
        e.rank,
        csvText(e.result.model.name),
        csvText(e.result.model.version),
        csvText(e.result.model.integrity),
        e.result.model.parameters,
        s.snapshots,
        e.result.suite.specVersion,
        e.result.date,
        e.file,
        ...metrics.flatMap((m) => [cell(s.metrics[m]), cell(s.ci95[m]?.[0]), cell(s.ci95[m]?.[1])]),
        ...channelCols.map((c) => cell(s.perChannel[b.channels.indexOf(c.name)]?.[c.metric])),
      ];
    }),
  );
  return stringify([header, ...rows]);
}
