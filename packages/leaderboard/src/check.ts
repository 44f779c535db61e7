import { FieldbenchError } from "@fieldbench/core";
import { findMetric } from "@fieldbench/metrics";
import { type SuperbenchResult, parseResult } from "./schema.js";

/**
 * A metric may be undefined (null in JSON) only when its descriptor says why (`nullable`: a division by a quantity of
 * the truth that can be zero or negative, such as compat psnr's peak). Every other metric value, and every CI bound
 * of another metric (unknown names included), must be a finite number for a result to enter a leaderboard.
 */
function isNullable(name: string): boolean {
  return findMetric(name)?.nullable !== undefined;
}

/** One known test split: dataset key + version -> checksum of its test split files (checksumSplits). */
export interface KnownDataset {
  readonly key: string;
  readonly version: string;
  readonly checksum: string;
  readonly note?: string;
}

export interface CheckContext {
  /** The suite's current spec version (superbench's SPEC_VERSION): results of another version are refused. */
  readonly specVersion: string;
  /** The committed registry (leaderboards/known-datasets.json). */
  readonly knownDatasets: readonly KnownDataset[];
}

function refuse(path: string, reason: string): never {
  throw new FieldbenchError("SCHEMA_INVALID", `${path}: ${reason}`, { path });
}

function checkRecord(path: string, where: string, record: Readonly<Record<string, number | null>>): void {
  for (const [name, value] of Object.entries(record)) {
    if (value === null && !isNullable(name)) refuse(path, `${where}.${name} is null (must be a finite number)`);
    if (value !== null && !Number.isFinite(value)) refuse(path, `${where}.${name} is not finite`);
  }
}

/** Every value of the result that a table shows: aggregates, per-channel values, CI bounds, per-snapshot values. */
function checkNumbers(path: string, result: SuperbenchResult): void {
  for (const [split, s] of Object.entries(result.splits)) {
    checkRecord(path, `splits.${split}.metrics`, s.metrics);
    for (const [c, r] of s.perChannel.entries()) checkRecord(path, `splits.${split}.perChannel.${c}`, r);
    for (const [name, [lo, hi]] of Object.entries(s.ci95)) {
      checkRecord(path, `splits.${split}.ci95.${name}`, { [name]: lo });
      checkRecord(path, `splits.${split}.ci95.${name}`, { [name]: hi });
    }
    for (const snap of s.perSnapshot ?? []) {
      for (const [c, r] of snap.perChannel.entries())
        checkRecord(path, `splits.${split}.perSnapshot[${snap.index}].${c}`, r);
      checkRecord(path, `splits.${split}.perSnapshot[${snap.index}].snapshot`, snap.snapshot);
    }
    if (s.perChannel.length !== result.dataset.channels.length) {
      refuse(
        path,
        `splits.${split}.perChannel has ${s.perChannel.length} records for ${result.dataset.channels.length} channels`,
      );
    }
    if (s.snapshots === 0) refuse(path, `splits.${split} scored no snapshots`);
  }
}

/**
 * The submission checks, in order: the schema (JSON with a value outside it, such as a string or null where a number
 * is required, fails here), a full run (no --limit or --shard: merge shards first), the current spec version, a known
 * dataset checksum for the key and version, a model identity, and finite numbers. Returns the parsed result or throws
 * a SCHEMA_INVALID FieldbenchError whose one-line message names the file and the first reason.
 */
export function checkResult(value: unknown, context: CheckContext, path = "result"): SuperbenchResult {
  const parsed = parseResult(value);
  if (!parsed.ok) refuse(path, `does not match the result schema: ${parsed.error}`);
  const result = parsed.result;
  if (result.subset?.shard !== undefined)
    refuse(
      path,
      `is shard ${result.subset.shard.index}/${result.subset.shard.count}: merge the shards first (fieldbench merge)`,
    );
  if (result.subset?.limit !== undefined)
    refuse(
      path,
      `covers only the first ${result.subset.limit} snapshots (--limit): leaderboards list full test splits`,
    );
  if (result.suite.specVersion !== context.specVersion) {
    refuse(
      path,
      `spec version ${result.suite.specVersion} is not the current ${context.specVersion}: re-run with this fieldbench`,
    );
  }
  const { key, version, checksum } = result.dataset;
  const known = context.knownDatasets.filter((d) => d.key === key && d.version === version);
  if (known.length === 0) refuse(path, `dataset ${key} version ${version} is not in the known-datasets registry`);
  if (!known.some((d) => d.checksum === checksum)) {
    refuse(
      path,
      `dataset ${key} version ${version} checksum ${checksum.slice(0, 16)}... is unknown (expected ${known.map((d) => d.checksum.slice(0, 16)).join(" or ")}...)`,
    );
  }
  const { name, version: modelVersion, integrity } = result.model;
  if (name.trim() === "" || modelVersion.trim() === "" || integrity.trim() === "" || integrity === "unknown")
    refuse(path, "model identity (name, version, integrity hash) is incomplete");
  checkNumbers(path, result);
  return result;
}

/** Parses the registry file's content: {"datasets": [{key, version, checksum, note?}]}. */
export function parseKnownDatasets(text: string, path: string): KnownDataset[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FieldbenchError("CORRUPT_FILE", `${path}: not JSON`, { path });
  }
  const list = (value as { datasets?: unknown })?.datasets;
  const valid =
    Array.isArray(list) &&
    list.every(
      (d) => typeof d?.key === "string" && typeof d?.version === "string" && /^[0-9a-f]{64}$/.test(String(d?.checksum)),
    );
  if (!valid)
    throw new FieldbenchError("CORRUPT_FILE", `${path}: expected {"datasets": [{key, version, checksum}]}`, { path });
  return list as KnownDataset[];
}
