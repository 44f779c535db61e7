import { existsSync, readdirSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import { type CheckContext, checkResult, parseKnownDatasets } from "./check.js";
import { type SuperbenchResult, parseResult } from "./schema.js";

/** The suite folder under a leaderboard root: <root>/superbench/<dataset>/<task>/<model>@<version>.<mode>.json. */
export const SUITE_DIR = "superbench";
export const KNOWN_DATASETS_FILE = "known-datasets.json";
const LOCK_DIR = ".build.lock";

/** A path component from a free-form name: anything but letters, digits, '.', '_' and '-' becomes '_'. */
export function slug(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return s === "" ? "_" : s;
}

/** Where a result lives under the root: unique per dataset, task, model name + version and metric mode. */
export function resultRelPath(result: SuperbenchResult): string {
  const file = `${slug(result.model.name)}@${slug(result.model.version)}.${result.mode}.json`;
  return join(SUITE_DIR, slug(result.dataset.key), slug(result.task.name), file);
}

/** Kept as leaderboard's export for its callers; the one implementation is core's. */
export { writeFileAtomic } from "@fieldbench/core";

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `fn` holding <root>/.build.lock (mkdir is atomic). A lock whose owner process is gone, or older than
 * `staleMs`, is taken over; waiting longer than `timeoutMs` fails with WORK_FAILED naming the lock.
 */
export async function withLock<T>(
  root: string,
  fn: () => Promise<T>,
  options: { timeoutMs?: number; staleMs?: number } = {},
): Promise<T> {
  const lock = join(root, LOCK_DIR);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const staleMs = options.staleMs ?? 300_000;
  await mkdir(root, { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "owner"), `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number.parseInt(await readFile(join(lock, "owner"), "utf8").catch(() => ""), 10);
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if ((Number.isInteger(owner) && owner !== process.pid && !processAlive(owner)) || age > staleMs) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new FieldbenchError(
          "WORK_FAILED",
          `${lock}: still locked by process ${owner || "?"}; remove it if stale`,
        );
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 40));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The committed registry of known test splits, <root>/known-datasets.json. */
export async function loadKnownDatasets(root: string): Promise<CheckContext["knownDatasets"]> {
  const path = join(root, KNOWN_DATASETS_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: no known-datasets registry in this leaderboard root`, {
      path,
      cause,
    });
  }
  return parseKnownDatasets(text, path);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot read the result file`, { path, cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FieldbenchError("SCHEMA_INVALID", `${path}: not JSON (${(cause as Error).message})`, { path, cause });
  }
}

export interface StoredResult {
  readonly result: SuperbenchResult;
  /** Relative to the root, with '/' separators. */
  readonly file: string;
}

function subdirs(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** One stored result file, schema-checked. */
export async function readStoredResult(path: string): Promise<SuperbenchResult> {
  const parsed = parseResult(await readJson(path));
  if (!parsed.ok) throw new FieldbenchError("SCHEMA_INVALID", `${path}: ${parsed.error}`, { path });
  return parsed.result;
}

/** Every committed result file under <root>/superbench/<dataset>/<task>/, schema-checked, in path order. */
export async function listResults(root: string): Promise<StoredResult[]> {
  const out: StoredResult[] = [];
  const suite = join(root, SUITE_DIR);
  for (const dataset of subdirs(suite)) {
    for (const task of subdirs(join(suite, dataset))) {
      const dir = join(suite, dataset, task);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort();
      for (const f of files) {
        const path = join(dir, f);
        out.push({ result: await readStoredResult(path), file: relative(root, path).split("\\").join("/") });
      }
    }
  }
  return out;
}

/** Reads and checks a result file for submission (checkResult with the root's known-datasets registry). */
export async function readSubmission(
  path: string,
  root: string,
  specVersion: string,
  knownTasks?: readonly string[],
): Promise<SuperbenchResult> {
  const knownDatasets = await loadKnownDatasets(root);
  return checkResult(
    await readJson(path),
    { specVersion, knownDatasets, ...(knownTasks === undefined ? {} : { knownTasks }) },
    path,
  );
}
