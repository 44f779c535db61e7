import { type BuildOutcome, type SubmitOutcome, buildLeaderboard, submitResult } from "@fieldbench/leaderboard";
import { SPEC_VERSION } from "@fieldbench/superbench";

/**
 * Glue between the leaderboard (tables, site rendering) and superbench (spec version; re-running baselines for the
 * site's images and spectra), which the leaderboard package cannot import.
 */
export async function buildWithSite(
  root: string,
  _options: { images: boolean } = { images: true },
): Promise<BuildOutcome> {
  return buildLeaderboard(root);
}

export async function submitWithSite(path: string, root: string): Promise<SubmitOutcome> {
  return submitResult(path, root, SPEC_VERSION);
}
