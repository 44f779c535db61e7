import { FieldbenchError } from "@fieldbench/core";
import { findMetric } from "@fieldbench/metrics";
import { higherIsBetter } from "./rank.js";
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

/**
 * The range a metric's value can take. Similarity scores (SSIM, MS-SSIM, ACC) lie in [-1, 1]; PSNR can be any
 * number; every other metric is an error, a norm or a distance and cannot be negative (a hand-made RFNE of -5 would
 * otherwise rank first).
 */
export function metricBounds(name: string): readonly [number, number] {
  if (name === "ssim" || name === "ms_ssim" || name === "acc") return [-1, 1];
  if (higherIsBetter(name)) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return [0, Number.POSITIVE_INFINITY];
}

/** Printable, one-line names: no control characters (terminal escapes, newlines that break tables or CI logs). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export interface CheckContext {
  /** The suite's current spec version (superbench's SPEC_VERSION): results of another version are refused. */
  readonly specVersion: string;
  /** Task names the suite knows (superbench's TASK_NAMES): a result of another task is refused before storing. */
  readonly knownTasks?: readonly string[];
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
    const [lo, hi] = metricBounds(name);
    if (value !== null && (value < lo || value > hi))
      refuse(path, `${where}.${name} is ${value}, outside the range [${lo}, ${hi}] of ${name}`);
  }
}

/** A 95% CI must contain its value (the bootstrap's percentile interval of the mean always does). */
function checkInterval(path: string, where: string, value: number | null | undefined, ci: readonly [number | null, number | null]) {
  const [lo, hi] = ci;
  if (value === null || value === undefined || lo === null || hi === null) return;
  const slack = 1e-9 * Math.max(1, Math.abs(value));
  if (!(lo <= hi && lo <= value + slack && value <= hi + slack))
    refuse(path, `${where} [${lo}, ${hi}] does not contain its value ${value}`);
}

/** Every value of the result that a table shows: aggregates, per-channel values, CI bounds, per-snapshot values. */
function checkNumbers(path: string, result: SuperbenchResult): void {
  for (const [split, s] of Object.entries(result.splits)) {
    checkRecord(path, `splits.${split}.metrics`, s.metrics);
    for (const [c, r] of s.perChannel.entries()) checkRecord(path, `splits.${split}.perChannel.${c}`, r);
    for (const [name, [lo, hi]] of Object.entries(s.ci95)) {
      checkRecord(path, `splits.${split}.ci95.${name}`, { [name]: lo });
      checkRecord(path, `splits.${split}.ci95.${name}`, { [name]: hi });
      checkInterval(path, `splits.${split}.ci95.${name}`, s.metrics[name], [lo, hi]);
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
  if (context.knownTasks !== undefined && !context.knownTasks.includes(result.task.name))
    refuse(path, `task ${JSON.stringify(result.task.name)} is not a known task (${context.knownTasks.join(", ")})`);
  const { name, version: modelVersion, integrity } = result.model;
  if (name.trim() === "" || modelVersion.trim() === "" || integrity.trim() === "" || integrity === "unknown")
    refuse(path, "model identity (name, version, integrity hash) is incomplete");
  for (const [what, text] of [
    ["model.name", name],
    ["model.version", modelVersion],
    ["model.integrity", integrity],
  ] as const) {
    if (CONTROL.test(text)) refuse(path, `${what} holds a control character (${JSON.stringify(text)})`);
    if (text.length > 200) refuse(path, `${what} is longer than 200 characters`);
  }
  checkNumbers(path, result);
  if (result.heldOut?.leak === true)
    refuse(path, "ci-score flagged it as leaking: its public score beats its held-out score (docs/security.md)");
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
