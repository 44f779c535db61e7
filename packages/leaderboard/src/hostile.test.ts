import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { buildLeaderboard, submitResult } from "./build.js";

// The hostile result files of docs/security.md (attacks 8 and 9), made by tools/fixtures/hostile-results.py from
// the committed bicubic result: each must be refused before anything is stored, or rendered inert.
const hostile = (name: string) => new URL(`../fixtures/hostile/${name}.json`, import.meta.url).pathname;
const fixture = (name: string) => new URL(`../fixtures/nskt_mini.bicubic-x8.${name}.json`, import.meta.url).pathname;
const registry = new URL("../../../leaderboards/known-datasets.json", import.meta.url).pathname;
const official = new URL("../../../leaderboards/superbench/nskt_mini/bicubic-x8/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "fieldbench-lb-hostile-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TASKS = ["bicubic-x8", "bicubic-x16", "uniform-x8", "noisy-uniform-5-x8", "noisy-uniform-10-x8", "lrsim"];

let n = 0;
function freshRoot(): string {
  const root = join(tmp, `r${n++}`);
  mkdirSync(root, { recursive: true });
  copyFileSync(registry, join(root, "known-datasets.json"));
  return root;
}

function storedFiles(root: string): string[] {
  const dir = join(root, "superbench", "nskt_mini", "bicubic-x8");
  try {
    return readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  } catch {
    return [];
  }
}

describe("leaderboard input (attack 8)", () => {
  it.each([
    ["negative-rfne", /splits\.test_1\.metrics\.rfne is -5, outside the range \[0, Infinity\] of rfne/],
    ["ci-excludes-value", /splits\.test_1\.ci95\.rfne \[0\.01, 0\.02\] does not contain its value 0\.5/],
    ["unknown-task", /task "made-up-x8" is not a known task/],
  ])("%s is refused before anything is stored", async (name, message) => {
    const root = freshRoot();
    await expect(submitResult(hostile(name), root, "1.0.0", { knownTasks: TASKS })).rejects.toMatchObject({
      code: "SCHEMA_INVALID",
      message: expect.stringMatching(message),
    });
    expect(storedFiles(root)).toEqual([]);
    await expect(buildLeaderboard(root)).resolves.toMatchObject({ results: 0 });
  });

  it("a model name that slugs to an official result's file name never replaces that result", async () => {
    const root = freshRoot();
    const dir = join(root, "superbench", "nskt_mini", "bicubic-x8");
    mkdirSync(dir, { recursive: true });
    const target = "_fieldbench-models_srcnn-nskt_16k-bicubic-x8@1.0.0.default.json";
    copyFileSync(join(official, target), join(dir, target));
    const before = readFileSync(join(dir, target), "utf8");
    await expect(submitResult(hostile("slug-collision"), root, "1.0.0")).rejects.toMatchObject({
      code: "SCHEMA_INVALID",
      message: expect.stringMatching(/would replace .*the result of "@fieldbench-models\/srcnn-nskt_16k-bicubic-x8"@1\.0\.0/),
    });
    expect(readFileSync(join(dir, target), "utf8")).toBe(before);
  });
});

describe("names are rendered inert (attack 9)", () => {
  it("a newline and markdown in a model name: refused at submit, one escaped table cell if committed anyway", async () => {
    const root = freshRoot();
    await expect(submitResult(hostile("markdown-injection"), root, "1.0.0")).rejects.toMatchObject({
      code: "SCHEMA_INVALID",
      message: expect.stringMatching(/model\.name holds a control character/),
    });
    await submitResult(fixture("bicubic"), root, "1.0.0");
    // Committed by hand (the build reads whatever files are there): rendering must still keep it in its cell.
    copyFileSync(hostile("markdown-injection"), join(root, "superbench", "nskt_mini", "bicubic-x8", "x@9.9.9.default.json"));
    await buildLeaderboard(root);
    const md = readFileSync(join(root, "superbench.md"), "utf8");
    expect(md).not.toContain("![tracker]");
    expect(md).not.toMatch(/^\| 1 \| fake \|/m);
    // Each table keeps its shape: every line of a table block has as many unescaped separators as its header.
    const cells = (l: string) => l.split(/(?<!\\)\|/).length;
    for (const block of md.split(/\n(?!\|)/).map((b) => b.split("\n").filter((l) => l.startsWith("|")))) {
      for (const line of block) expect(cells(line), line).toBe(cells(block[0] as string));
    }
    expect(md).toContain("| x  \\!\\[tracker\\](https://attacker.example/x.png) \\| 1 \\| fake \\| |");
  });

  it("a CSV cell that a spreadsheet would run as a formula gets a leading apostrophe", async () => {
    const root = freshRoot();
    await submitResult(hostile("csv-formula"), root, "1.0.0");
    const rows = parse(readFileSync(join(root, "superbench.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.model)).toContain(`'=HYPERLINK("https://attacker.example","click")`);
    expect(rows.every((r) => !/^[=+\-@]/.test(r.model as string))).toBe(true);
  });
});
