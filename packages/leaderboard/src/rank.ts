import { higherIsBetter, orderMetrics } from "@fieldbench/metrics";
import type { SuperbenchResult } from "./schema.js";

/** Display order and direction are the metric descriptors' (@fieldbench/metrics); re-exported for the renderers. */
export { higherIsBetter, orderMetrics };

export const TEST_SPLIT_NAMES = ["test_1", "test_2"] as const;
export type TestSplitName = (typeof TEST_SPLIT_NAMES)[number];

/** The ranking metric: RFNE, SuperBench's headline number (relative Frobenius-norm error; lower is better). */
export const RANK_METRIC = "rfne";

/** One ranked table: results of one dataset, task and metric mode, on one split. */
export interface Board {
  readonly dataset: string;
  readonly datasetVersion: string;
  readonly task: string;
  readonly mode: SuperbenchResult["mode"];
  readonly split: TestSplitName;
  readonly channels: readonly string[];
  /** Metric columns present in any entry, in display order. */
  readonly metrics: readonly string[];
  readonly entries: readonly RankedEntry[];
}

export interface RankedEntry {
  /** 1-based; entries with equal ranking values share a rank. */
  readonly rank: number;
  readonly result: SuperbenchResult;
  /** Where the result file lives, relative to the leaderboard root (for links). */
  readonly file: string;
}

/** Smaller key ranks first; undefined values (null) rank last. */
function rankValue(result: SuperbenchResult, split: TestSplitName, metric: string): number {
  const v = result.splits[split].metrics[metric];
  if (v === null || v === undefined) return Number.POSITIVE_INFINITY;
  return higherIsBetter(metric) ? -v : v;
}

function compareEntries(split: TestSplitName, metric: string) {
  return (a: { result: SuperbenchResult }, b: { result: SuperbenchResult }): number => {
    const d = rankValue(a.result, split, metric) - rankValue(b.result, split, metric);
    if (d !== 0 && !Number.isNaN(d)) return d;
    return `${a.result.model.name}@${a.result.model.version}`.localeCompare(
      `${b.result.model.name}@${b.result.model.version}`,
    );
  };
}

/**
 * Groups results by (dataset, task, mode) and ranks each group on each test split by RANK_METRIC of that split
 * (compat and default results use different metric definitions, so they never share a table). Deterministic: ties
 * share a rank and are listed by model name and version. Boards come sorted by dataset, task, mode, split.
 */
export function rankResults(items: readonly { result: SuperbenchResult; file: string }[]): Board[] {
  const groups = new Map<string, { result: SuperbenchResult; file: string }[]>();
  for (const item of items) {
    const r = item.result;
    const key = [r.dataset.key, r.task.name, r.mode].join("\u0000");
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  const boards: Board[] = [];
  for (const key of [...groups.keys()].sort()) {
    const list = groups.get(key) ?? [];
    const first = (list[0] as { result: SuperbenchResult }).result;
    for (const split of TEST_SPLIT_NAMES) {
      const sorted = [...list].sort(compareEntries(split, RANK_METRIC));
      let rank = 0;
      let previous = Number.NaN;
      const entries = sorted.map((item, i) => {
        const value = rankValue(item.result, split, RANK_METRIC);
        if (value !== previous) rank = i + 1;
        previous = value;
        return { rank, result: item.result, file: item.file };
      });
      boards.push({
        dataset: first.dataset.key,
        datasetVersion: first.dataset.version,
        task: first.task.name,
        mode: first.mode,
        split,
        channels: first.dataset.channels,
        metrics: orderMetrics(list.flatMap((i) => Object.keys(i.result.splits[split].metrics))),
        entries,
      });
    }
  }
  return boards;
}
