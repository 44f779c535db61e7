import { FieldbenchError, createSha256 } from "@fieldbench/core";
import type { SplitName } from "./splits.js";
import { CHANNELS, type SplitStatistics, finalizeStatistics } from "./trajectory.js";

/**
 * What a scorer needs to know about a generated dataset, in its card (card.json `dataset`): `run superbench
 * --data DIR` builds a dataset spec from it, so a set of any size scores without being registered.
 */
export interface CardDataset {
  key: string;
  version: string;
  title: string;
  channels: string[];
  /** HR grid [H, W]. */
  hr: [number, number];
  /** LR_fields scale (absent without LR_fields). */
  lrSimScale?: number;
  /** Grid spacing of [0, 2 pi] (the divergence stencil). */
  gridSpacing: number;
  /** z-score constants: per-channel mean and population std over every value of the train split. */
  mean: number[];
  std: number[];
  /** Snapshots: train, valid_1 + valid_2, test_1 + test_2 (SuperBench's convention). */
  splitSizes: { train: number; valid: number; test: number };
  /** datasetValueChecksum over test_1 and test_2: what a result file on this dataset records. */
  testValueSha256: string;
}

export interface ValueChecksummed {
  split: SplitName;
  path: string;
  valueSha256: readonly string[];
}

export const TEST_SPLITS: readonly SplitName[] = ["test_1", "test_2"];

/**
 * The value checksum of a set of files: sha256 over "<path> <index> <snapshot value sha256>\n" lines, files
 * sorted by path (the order SuperBench's reader globs them in). Same values, same checksum, whatever HDF5 wrote.
 */
export function datasetValueChecksum(files: readonly ValueChecksummed[], splits = TEST_SPLITS): string {
  const hash = createSha256();
  const chosen = files.filter((f) => splits.includes(f.split)).sort((a, b) => compare(a.path, b.path));
  for (const f of chosen) {
    for (let i = 0; i < f.valueSha256.length; i++) hash.update(`${f.path} ${i} ${f.valueSha256[i]}\n`);
  }
  return hash.digest();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function cardDataset(o: {
  key: string;
  version: string;
  title: string;
  size: number;
  lrFactor: number;
  train: SplitStatistics | undefined;
  files: readonly (ValueChecksummed & { times: readonly number[] })[];
}): CardDataset {
  if (o.train === undefined || o.train.snapshots === 0) {
    throw new FieldbenchError("INTERNAL", `${o.key}: no train snapshots to compute the z-score constants from`);
  }
  const { mean, std } = finalizeStatistics(o.train);
  const count = (splits: SplitName[]) =>
    o.files.filter((f) => splits.includes(f.split)).reduce((n, f) => n + f.times.length, 0);
  return {
    key: o.key,
    version: o.version,
    title: o.title,
    channels: [...CHANNELS],
    hr: [o.size, o.size],
    ...(o.lrFactor > 0 ? { lrSimScale: o.lrFactor } : {}),
    gridSpacing: (2 * Math.PI) / o.size,
    mean,
    std,
    splitSizes: { train: count(["train"]), valid: count(["valid_1", "valid_2"]), test: count(["test_1", "test_2"]) },
    testValueSha256: datasetValueChecksum(o.files),
  };
}
