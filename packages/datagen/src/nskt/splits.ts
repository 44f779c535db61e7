import { FieldbenchError } from "@fieldbench/core";

export const SPLITS = ["train", "valid_1", "valid_2", "test_1", "test_2"] as const;
export type SplitName = (typeof SPLITS)[number];

/** Fewest snapshots that give every split at least one: 8 in the interpolation window, 2 after it. */
export const MIN_SNAPSHOTS = 10;

/**
 * Assigns snapshot k (in time order) of `total` to a split, SuperBench style: the first 80% of the trajectory is
 * the interpolation window, shared by train / valid_1 / test_1 (in each run of 8 snapshots, the 6th goes to
 * valid_1, the 8th to test_1, the rest to train); the last 20% (at least 2) lies later in time than every
 * training snapshot ("extrapolation"): its first half is valid_2, its second half test_2.
 */
export function assignSplits(total: number): SplitName[] {
  if (!Number.isSafeInteger(total) || total < MIN_SNAPSHOTS) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `${total} snapshots are too few for the five splits; give at least ${MIN_SNAPSHOTS}`,
    );
  }
  const later = Math.max(2, Math.round(total * 0.2));
  const window = total - later;
  const out: SplitName[] = [];
  for (let k = 0; k < window; k++) out.push(k % 8 === 5 ? "valid_1" : k % 8 === 7 ? "test_1" : "train");
  const valid2 = Math.ceil(later / 2);
  for (let k = 0; k < later; k++) out.push(k < valid2 ? "valid_2" : "test_2");
  return out;
}
