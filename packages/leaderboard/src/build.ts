import { existsSync } from "node:fs";
import { join } from "node:path";
import { readMeanAlphas } from "./diagnostic-columns.js";
import { type Board, rankResults } from "./rank.js";
import { renderCsv } from "./render/csv.js";
import { renderMarkdown } from "./render/markdown.js";
import { FieldbenchError } from "@fieldbench/core";
import {
  SUITE_DIR,
  type StoredResult,
  listResults,
  readStoredResult,
  readSubmission,
  resultRelPath,
  slug,
  withLock,
  writeFileAtomic,
} from "./store.js";

export interface BuildOptions {
  /** Task names the suite knows; a submission of another task is refused before anything is stored. */
  readonly knownTasks?: readonly string[];
  /** Extra output after the tables, inside the lock (the HTML site). */
  readonly afterTables?: (
    boards: readonly Board[],
    results: readonly StoredResult[],
    root: string,
  ) => Promise<string[]>;
}

export interface BuildOutcome {
  readonly boards: readonly Board[];
  readonly results: number;
  /** Files written, relative to the root. */
  readonly written: readonly string[];
}

async function buildUnlocked(root: string, options: BuildOptions): Promise<BuildOutcome> {
  const results = await listResults(root);
  const boards = rankResults(results);
  const meanAlphas = readMeanAlphas(root);
  const written: string[] = [];
  const write = async (rel: string, text: string) => {
    await writeFileAtomic(join(root, rel), text);
    written.push(rel);
  };
  await write(`${SUITE_DIR}.md`, renderMarkdown(boards, undefined, meanAlphas));
  await write(`${SUITE_DIR}.csv`, renderCsv(boards));
  const groups = new Map<string, Board[]>();
  for (const b of boards) {
    const dir = join(SUITE_DIR, slug(b.dataset), slug(b.task));
    groups.set(dir, [...(groups.get(dir) ?? []), b]);
  }
  for (const [dir, list] of groups) {
    const first = list[0] as Board;
    await write(
      join(dir, "leaderboard.md"),
      renderMarkdown(list, `SuperBench: ${first.dataset}, ${first.task}`, meanAlphas),
    );
    await write(join(dir, "leaderboard.csv"), renderCsv(list));
  }
  if (options.afterTables) written.push(...(await options.afterTables(boards, results, root)));
  return { boards, results: results.length, written };
}

/**
 * `fieldbench leaderboard build`: ranks every committed result under <root>/superbench/ and writes the tables:
 * <root>/superbench.md and .csv (everything), and leaderboard.md / leaderboard.csv in each dataset/task folder.
 * Output depends only on the result files (no dates), so rebuilding twice gives the same bytes. Holds the root's
 * lock so concurrent builds and submissions never interleave their writes.
 */
export function buildLeaderboard(root: string, options: BuildOptions = {}): Promise<BuildOutcome> {
  return withLock(root, () => buildUnlocked(root, options));
}

export interface SubmitOutcome extends BuildOutcome {
  /** Where the result was stored, relative to the root. */
  readonly stored: string;
  /** True when a result of the same model, version and mode was replaced. */
  readonly replaced: boolean;
}

/**
 * `fieldbench submit`: checks a result file (checkResult against <root>/known-datasets.json, `specVersion` and the
 * known tasks), stores it atomically under <root>/superbench/<dataset>/<task>/<model>@<version>.<mode>.json and
 * rebuilds the tables. The store and the rebuild happen under the root's lock, so two concurrent submissions both
 * land and the last rebuild sees both. A file is replaced only by a result of the same model name and version:
 * names that differ but slug alike (`a b` and `a_b`, or a name made to hit an official result's file) are refused.
 */
export async function submitResult(
  path: string,
  root: string,
  specVersion: string,
  options: BuildOptions = {},
): Promise<SubmitOutcome> {
  const result = await readSubmission(path, root, specVersion, options.knownTasks);
  const stored = resultRelPath(result);
  return withLock(root, async () => {
    const replaced = existsSync(join(root, stored));
    if (replaced) {
      const previous = await readStoredResult(join(root, stored));
      if (previous.model.name !== result.model.name || previous.model.version !== result.model.version)
        throw new FieldbenchError(
          "SCHEMA_INVALID",
          `${path}: model ${JSON.stringify(result.model.name)}@${result.model.version} would replace ${stored}, the result of ${JSON.stringify(previous.model.name)}@${previous.model.version}: choose another model name`,
          { path },
        );
    }
    await writeFileAtomic(join(root, stored), `${JSON.stringify(result, null, 2)}\n`);
    const outcome = await buildUnlocked(root, options);
    return { ...outcome, stored: stored.split("\\").join("/"), replaced };
  });
}
