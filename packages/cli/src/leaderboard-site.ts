import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  type Board,
  type BuildOutcome,
  type SampleVisuals,
  type StoredResult,
  type SubmitOutcome,
  buildLeaderboard,
  rankResults,
  readMeanAlphas,
  renderSite,
  submitResult,
} from "@fieldbench/leaderboard";
import { FieldbenchError } from "@fieldbench/core";
import { modelNames } from "@fieldbench/models";
import { SPEC_VERSION, TASK_NAMES, readResultFile, readSampleFile, sampleVisuals } from "@fieldbench/superbench";

/**
 * Glue between the leaderboard (tables, site rendering) and superbench (spec version; re-running models for the
 * site's sample images and spectra), which the leaderboard package cannot import.
 */
function siteWriter(images: boolean) {
  return async (boards: readonly Board[], results: readonly StoredResult[], root: string): Promise<string[]> => {
    const visuals = new Map<string, SampleVisuals>();
    if (images) {
      for (const { result, file } of results) {
        const v = await sampleVisuals(result);
        if (v !== undefined) visuals.set(file, v);
      }
    }
    const written = await renderSite(boards, visuals, join(root, "site"), {
      meanAlphas: readMeanAlphas(root),
      links: diagnosticsLinks(root),
    });
    return written.map((f) => `site/${f}`);
  };
}

/**
 * Links from the site to the diagnostics pages (docs/diagnostics.md) kept beside it in <root>/diagnostics/: every
 * transfer heat map and every convergence and ESD plot, linked in place (relative links, so the checkout's site
 * works from the file system without a second copy of the plots).
 */
function diagnosticsLinks(root: string): { href: string; text: string }[] {
  const source = join(root, "diagnostics");
  if (!existsSync(source)) return [];
  const pages: [string, string][] = [
    ["transfer.html", "Out-of-distribution transfer heat map"],
    ["convergence.svg", "Resolution convergence"],
    ["esd.svg", "Weight spectra (ESD, alpha)"],
  ];
  return listFiles(source).flatMap((rel) => {
    const page = pages.find(([name]) => rel.endsWith(`/${name}`));
    return page === undefined ? [] : [{ href: `../diagnostics/${rel}`, text: `${page[1]}: ${dirname(rel)}` }];
  });
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listFiles(dir, join(prefix, d.name)) : [join(prefix, d.name)]))
    .sort();
}

export function buildWithSite(root: string, options: { images: boolean } = { images: true }): Promise<BuildOutcome> {
  return buildLeaderboard(root, { afterTables: siteWriter(options.images) });
}

export function submitWithSite(path: string, root: string): Promise<SubmitOutcome> {
  return submitResult(path, root, SPEC_VERSION, { afterTables: siteWriter(true), knownTasks: TASK_NAMES });
}

/** `fieldbench report`: the leaderboard page for one result file, written to outDir. */
export async function writeReport(
  path: string,
  outDir: string,
  options: { model?: string; data?: string; sample?: string; images: boolean },
): Promise<{ written: string[]; visuals: boolean }> {
  if (options.model !== undefined && !modelNames().includes(options.model))
    throw new FieldbenchError(
      "UNKNOWN_MODEL",
      `--model ${options.model} is not a built-in model (known: ${modelNames().join(", ")}): a package's images come from \`fieldbench ci-score PKG --sample FILE\` and \`report --sample FILE\``,
    );
  const result = await readResultFile(path);
  const visuals = new Map<string, SampleVisuals>();
  const file = basename(path);
  if (options.sample !== undefined) {
    visuals.set(file, await readSampleFile(options.sample));
  } else if (options.images) {
    const v = await sampleVisuals(result, {
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.data === undefined ? {} : { data: options.data }),
    });
    if (v !== undefined) visuals.set(file, v);
  }
  const boards = rankResults([{ result, file }]);
  const title = `fieldbench report: ${result.model.name}@${result.model.version} on ${result.dataset.key}, ${result.task.name}`;
  const written = await renderSite(boards, visuals, outDir, {
    title,
    intro: `One run (${result.mode} mode, spec ${result.suite.specVersion}, ${result.date}, ${result.wallTimeSeconds.toFixed(1)} s on ${result.hardware.cpu}).`,
  });
  return { written, visuals: visuals.size > 0 };
}
