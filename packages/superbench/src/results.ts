import { cpus, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import type { AggregateScore, SnapshotScore } from "@fieldbench/metrics";
import { RESULT_SCHEMA_ID, type SplitResult, type SuperbenchResult } from "@fieldbench/leaderboard";
import type { DatasetSpec } from "./datasets.js";
import type { Task } from "./tasks.js";

/** Version of this protocol (datasets, degradations, metric lists and modes). Bump it when any of them changes. */
export const SPEC_VERSION = "1.0.0";

/** The harness version: this package's version (read at run time, from src/ or dist/). */
export function harnessVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

export function describeHardware(): SuperbenchResult["hardware"] {
  const cpuList = cpus();
  return {
    platform: process.platform,
    arch: process.arch,
    cpu: cpuList[0]?.model.trim() ?? "unknown",
    cores: Math.max(cpuList.length, 1),
    memoryBytes: totalmem(),
  };
}

/** What every result of a run on `spec` and `task` states first: schema, suite, mode, dataset and task. */
export function runIdentity(
  spec: DatasetSpec,
  task: Task,
  mode: SuperbenchResult["mode"],
  checksum: string,
): Pick<SuperbenchResult, "schema" | "suite" | "mode" | "dataset" | "task"> {
  return {
    schema: RESULT_SCHEMA_ID,
    suite: { name: "superbench", specVersion: SPEC_VERSION },
    mode,
    dataset: { key: spec.key, version: spec.version, checksum, channels: spec.channels.map((c) => c.name) },
    task: {
      name: task.name,
      degradation: task.degradation,
      scale: task.scale,
      ...(task.noiseRatio === undefined ? {} : { noiseRatio: task.noiseRatio }),
    },
  };
}

/** JSON has no NaN or Infinity: undefined metric values are stored as null. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function nullable(record: Readonly<Record<string, number>>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, finiteOrNull(v)]));
}

export function splitResult(
  aggregate: AggregateScore,
  scored: readonly { index: number; score: SnapshotScore }[],
): SplitResult {
  return {
    snapshots: aggregate.snapshots,
    metrics: nullable(aggregate.metrics),
    perChannel: aggregate.perChannel.map(nullable),
    ci95: Object.fromEntries(
      Object.entries(aggregate.ci95).map(([k, [lo, hi]]) => [
        k,
        [finiteOrNull(lo), finiteOrNull(hi)] as [number | null, number | null],
      ]),
    ),
    perSnapshot: scored.map(({ index, score }) => ({
      index,
      perChannel: score.perChannel.map(nullable),
      snapshot: nullable(score.snapshot),
    })),
  };
}

export { RESULT_SCHEMA_ID };
