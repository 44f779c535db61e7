import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isFieldbenchError } from "@fieldbench/core";
import { type KnownDataset, loadKnownDatasets } from "@fieldbench/leaderboard";
import { DATASETS, type DatasetSpec, SPLITS, TEST_SPLITS, getDataset } from "./datasets.js";
import { checksumSplits, openSplit } from "./reader.js";
import { embeddedDataRoot } from "./run.js";

/** The checkout's dataset cards and leaderboard registry (a package installed from npm alone has neither). */
export function datasetCardPath(key: string): string {
  return fileURLToPath(new URL(`../../../datasets/${key}.md`, import.meta.url));
}
export function defaultLeaderboardRoot(): string {
  return fileURLToPath(new URL("../../../leaderboards", import.meta.url));
}

export interface DatasetSummary {
  readonly key: string;
  readonly version: string;
  readonly title: string;
  readonly family: string;
  readonly channels: readonly string[];
  readonly hr: readonly [number, number];
  /** Shipped in datasets/embedded/ (runs without --data). */
  readonly embedded: boolean;
}

/** `fieldbench datasets list`. */
export function listDatasets(): DatasetSummary[] {
  return DATASETS.map((spec) => ({
    key: spec.key,
    version: spec.version,
    title: spec.title,
    family: spec.family,
    channels: spec.channels.map((c) => c.name),
    hr: spec.hr,
    embedded: existsSync(embeddedDataRoot(spec.key)),
  }));
}

/** `fieldbench datasets info KEY`: the spec, where its card and embedded copy are, and its published checksums. */
export async function datasetInfo(
  key: string,
  leaderboardRoot = defaultLeaderboardRoot(),
): Promise<{ spec: DatasetSpec; card?: string; embedded?: string; knownChecksums: readonly KnownDataset[] }> {
  const spec = getDataset(key);
  const card = datasetCardPath(key);
  const embedded = embeddedDataRoot(key);
  return {
    spec,
    ...(existsSync(card) ? { card } : {}),
    ...(existsSync(embedded) ? { embedded } : {}),
    knownChecksums: await knownFor(spec, leaderboardRoot),
  };
}

async function knownFor(spec: DatasetSpec, root: string): Promise<KnownDataset[]> {
  if (!existsSync(root)) return [];
  const known = await loadKnownDatasets(root);
  return known.filter((k) => k.key === spec.key && k.version === spec.version);
}

export interface VerifyReport {
  readonly key: string;
  readonly root: string;
  readonly splits: readonly { split: string; files: number; snapshots: number }[];
  /** sha256 over the test splits, as result files and the leaderboard record it. */
  readonly checksum?: string;
  readonly expected: readonly string[];
  readonly problems: readonly string[];
  readonly ok: boolean;
}

/**
 * `fieldbench datasets verify KEY --data DIR`: every split is opened against the spec (files, `fields` shape and
 * channels, LR_fields for LR-sim sets), and the test splits' checksum is compared with the published ones.
 * Problems are collected, not thrown, so one run lists all of them.
 */
export async function verifyDataset(
  key: string,
  root: string,
  leaderboardRoot = defaultLeaderboardRoot(),
): Promise<VerifyReport> {
  const spec = getDataset(key);
  const problems: string[] = [];
  const splits: { split: string; files: number; snapshots: number }[] = [];
  for (const split of SPLITS) {
    try {
      const reader = await openSplit(root, split, spec, { needLr: spec.lrSimScale !== undefined });
      splits.push({ split, files: reader.files.length, snapshots: reader.length });
      await reader.close();
    } catch (err) {
      if (!isFieldbenchError(err)) throw err;
      problems.push(err.message);
    }
  }
  const testsPresent = TEST_SPLITS.every((s) => splits.some((x) => x.split === s));
  const checksum = testsPresent ? await checksumSplits(root, TEST_SPLITS) : undefined;
  const expected = (await knownFor(spec, leaderboardRoot)).map((k) => k.checksum);
  if (checksum !== undefined && expected.length > 0 && !expected.includes(checksum)) {
    problems.push(
      `test splits have checksum ${checksum}; the published ${spec.key} ${spec.version} has ${expected.join(" or ")}`,
    );
  }
  return {
    key,
    root,
    splits,
    ...(checksum === undefined ? {} : { checksum }),
    expected,
    problems,
    ok: problems.length === 0,
  };
}
