import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { SnapshotScore } from "@fieldbench/metrics";

/**
 * Resume records: one JSON line per finished snapshot next to the result file (`<out>.partial.jsonl`), after a
 * first line naming the run (dataset checksum, task, model integrity, mode, subset). A rerun with the same run key
 * reads the finished snapshots instead of recomputing them; a different key starts over. Non-finite numbers are
 * written as strings ("NaN", "Infinity") so they survive JSON.
 */
export interface SnapshotRecord {
  readonly split: string;
  readonly index: number;
  readonly seconds: number;
  readonly score: SnapshotScore;
}

export function sidecarPath(out: string): string {
  return `${out}.partial.jsonl`;
}

const encode = (_key: string, value: unknown): unknown =>
  typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
const decode = (_key: string, value: unknown): unknown =>
  value === "NaN" || value === "Infinity" || value === "-Infinity" ? Number(value) : value;

/** Finished snapshots of a previous run with the same key (empty when none, or when the file is unusable). */
export function loadSidecar(path: string, runKey: string): SnapshotRecord[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  try {
    const header = JSON.parse(lines[0] ?? "{}") as { runKey?: string };
    if (header.runKey !== runKey) return [];
    const records: SnapshotRecord[] = [];
    // A line cut short by an interruption is the last one: keep what parses.
    for (const line of lines.slice(1)) {
      try {
        records.push(JSON.parse(line, decode) as SnapshotRecord);
      } catch {
        break;
      }
    }
    return records;
  } catch {
    return [];
  }
}

/** Starts a sidecar (keeping `records` already loaded) and returns an appender. */
export function openSidecar(
  path: string,
  runKey: string,
  records: readonly SnapshotRecord[],
): (r: SnapshotRecord) => void {
  writeFileSync(path, `${[JSON.stringify({ runKey }), ...records.map((r) => JSON.stringify(r, encode))].join("\n")}\n`);
  return (record) => appendFileSync(path, `${JSON.stringify(record, encode)}\n`);
}

export function removeSidecar(path: string): void {
  rmSync(path, { force: true });
}
