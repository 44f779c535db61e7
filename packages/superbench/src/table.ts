import type { SuperbenchResult } from "@fieldbench/leaderboard";
import { listMetrics } from "@fieldbench/metrics";
import { publishedRowFor } from "./anchors.js";
import { TEST_SPLITS } from "./datasets.js";

function format(value: number | null | undefined, name: string): string {
  if (value === null || value === undefined) return "-";
  if (name.startsWith("psnr")) return value.toFixed(2);
  if (name.startsWith("div")) return value.toExponential(3);
  return value.toFixed(4);
}

/** A plain-text table of the result: one row per test split, then per-channel RFNE. */
export function formatResultTable(result: SuperbenchResult): string {
  // The columns are the metrics whose descriptors ask for the summary table in this mode, in display order.
  const columns = listMetrics()
    .filter((m) => m.summary?.includes(result.mode) === true)
    .map((m) => m.id)
    .filter((c) => TEST_SPLITS.some((s) => c in result.splits[s].metrics));
  const header = ["split", "n", ...columns];
  const rows = TEST_SPLITS.map((split) => {
    const r = result.splits[split];
    return [split, String(r.snapshots), ...columns.map((c) => format(r.metrics[c], c))];
  });
  // Compat runs of the published baseline get SuperBench's own numbers underneath, for a direct comparison.
  const published = publishedRowFor(result.mode, result.model.name, result.dataset.key, result.task.name);
  if (published !== undefined) {
    for (const split of TEST_SPLITS) {
      const values: Readonly<Record<string, number | undefined>> = published[split];
      rows.push([`${split} (paper)`, "", ...columns.map((c) => format(values[c], c))]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  const title = `SuperBench ${result.dataset.key} ${result.task.name} (x${result.task.scale}) model ${result.model.name}, ${result.mode} metrics`;
  const channels = result.dataset.channels;
  const perChannel = TEST_SPLITS.map(
    (split) =>
      `${split} rfne per channel: ${channels.map((c, i) => `${c} ${format(result.splits[split].perChannel[i]?.["rfne"], "rfne")}`).join(", ")}`,
  );
  return [title, "", line(header), rule, ...rows.map(line), "", ...perChannel].join("\n");
}
