import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { FieldbenchError, deriveSeed, writeFileAtomic } from "@fieldbench/core";
import { aggregateScores, type SnapshotScore } from "@fieldbench/metrics";
import { type SplitResult, type SuperbenchResult, parseResult } from "@fieldbench/leaderboard";
import { TEST_SPLITS, type TestSplit } from "./datasets.js";
import { splitResult } from "./results.js";

type PerSnapshot = NonNullable<SplitResult["perSnapshot"]>[number];

/** JSON stores undefined metric values as null; the aggregate sees them as NaN again (NaN in, NaN out). */
function toNumbers(record: Readonly<Record<string, number | null>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === null ? Number.NaN : v]));
}

/** Pixel counts (masked truth, invalid prediction) are not stored in result files and play no part in aggregates. */
function toScore(record: PerSnapshot): SnapshotScore {
  return {
    perChannel: record.perChannel.map(toNumbers),
    snapshot: toNumbers(record.snapshot),
    maskedTruth: [],
    invalidPrediction: [],
  };
}

/** The identity every shard of one run shares: anything that changes the numbers. */
function runIdentity(r: SuperbenchResult): string {
  return JSON.stringify({
    specVersion: r.suite.specVersion,
    mode: r.mode,
    dataset: r.dataset,
    task: r.task,
    model: r.model,
    limit: r.subset?.limit,
    count: r.subset?.shard?.count,
  });
}

function describe(r: SuperbenchResult): string {
  return `${r.dataset.key}@${r.dataset.checksum.slice(0, 12)} ${r.task.name} ${r.model.name}@${r.model.version} ${r.mode} spec ${r.suite.specVersion}`;
}

function checkShardSet(results: readonly SuperbenchResult[], names: readonly string[]): number {
  const first = results[0] as SuperbenchResult;
  const count = first.subset?.shard?.count;
  if (count === undefined) throw new FieldbenchError("BAD_USAGE", `${names[0]} is not a shard (no subset.shard)`);
  for (let i = 0; i < results.length; i++) {
    const r = results[i] as SuperbenchResult;
    if (r.subset?.shard === undefined) throw new FieldbenchError("BAD_USAGE", `${names[i]} is not a shard`);
    if (runIdentity(r) !== runIdentity(first)) {
      throw new FieldbenchError(
        "BAD_USAGE",
        `${names[i]} is from another run (${describe(r)}, shards of ${r.subset.shard.count}) than ${names[0]} (${describe(first)}, shards of ${count})`,
      );
    }
  }
  const seen = new Map<number, string>();
  results.forEach((r, i) => {
    const index = r.subset?.shard?.index as number;
    const other = seen.get(index);
    if (other !== undefined)
      throw new FieldbenchError("BAD_USAGE", `${names[i]} and ${other} are both shard ${index}/${count}`);
    seen.set(index, names[i] as string);
  });
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new FieldbenchError("BAD_USAGE", `missing shard(s) ${missing.map((i) => `${i}/${count}`).join(", ")}`);
  }
  return count;
}

function mergeSplit(
  results: readonly SuperbenchResult[],
  names: readonly string[],
  split: TestSplit,
  seed: number,
): SplitResult {
  const records: PerSnapshot[] = [];
  const owner = new Map<number, string>();
  results.forEach((r, i) => {
    const perSnapshot = r.splits[split].perSnapshot;
    if (perSnapshot === undefined)
      throw new FieldbenchError("BAD_USAGE", `${names[i]} has no ${split}.perSnapshot records to merge`);
    for (const record of perSnapshot) {
      const other = owner.get(record.index);
      if (other !== undefined)
        throw new FieldbenchError("BAD_USAGE", `${split} snapshot ${record.index} is in both ${other} and ${names[i]}`);
      owner.set(record.index, names[i] as string);
      records.push(record);
    }
  });
  records.sort((a, b) => a.index - b.index);
  const aggregate = aggregateScores(records.map(toScore), { seed });
  return splitResult(
    aggregate,
    records.map((r) => ({ index: r.index, score: toScore(r) })),
  );
}

/**
 * Combines the shards of one run (`--shard i/n` for every i) into the result an unsharded run writes: the
 * per-snapshot records are concatenated in index order and the aggregates recomputed with the same bootstrap seed
 * (deriveSeed("superbench-bootstrap", dataset, split), as runSuperbench), so metrics, per-channel values, CIs and
 * perSnapshot are identical. Run-level fields: hardware and harness of the first shard, wall time summed, the latest
 * date. Refuses shards of different runs, repeated or missing shards, and overlapping snapshots.
 */
export function mergeShards(results: readonly SuperbenchResult[], names?: readonly string[]): SuperbenchResult {
  if (results.length === 0) throw new FieldbenchError("BAD_USAGE", "no shard results to merge");
  const labels = names ?? results.map((_, i) => `shard file ${i + 1}`);
  checkShardSet(results, labels);
  const first = results[0] as SuperbenchResult;
  const splits = {} as SuperbenchResult["splits"];
  for (const split of TEST_SPLITS) {
    splits[split] = mergeSplit(results, labels, split, deriveSeed("superbench-bootstrap", first.dataset.key, split));
  }
  const limit = first.subset?.limit;
  const { subset: _subset, ...rest } = first;
  return {
    ...rest,
    splits,
    ...(limit === undefined ? {} : { subset: { limit } }),
    wallTimeSeconds: results.reduce((s, r) => s + r.wallTimeSeconds, 0),
    date: results.map((r) => r.date).sort((a, b) => a.localeCompare(b))[results.length - 1] as string,
  };
}

/** Reads and validates one result file; a one-line error names the file and the first problems. */
export async function readResultFile(path: string): Promise<SuperbenchResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot read the result file`, { path, cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FieldbenchError("SCHEMA_INVALID", `${path}: not JSON (${(cause as Error).message})`, { path, cause });
  }
  const parsed = parseResult(value);
  if (!parsed.ok) throw new FieldbenchError("SCHEMA_INVALID", `${path}: ${parsed.error}`, { path });
  return parsed.result;
}

/** `fieldbench merge`: reads shard files, merges them (mergeShards) and writes the result atomically to `out`. */
export async function mergeShardFiles(paths: readonly string[], out: string): Promise<SuperbenchResult> {
  const results: SuperbenchResult[] = [];
  for (const path of paths) results.push(await readResultFile(path));
  const merged = mergeShards(
    results,
    paths.map((p) => basename(p)),
  );
  const checked = parseResult(merged);
  if (!checked.ok) throw new FieldbenchError("INTERNAL", `merged result does not match its schema: ${checked.error}`);
  await writeFileAtomic(out, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
