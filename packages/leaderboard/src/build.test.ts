import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { buildLeaderboard, submitResult } from "./build.js";
import { withLock } from "./store.js";

const fixtureDir = new URL("../fixtures/", import.meta.url).pathname;
const registry = new URL("../../../leaderboards/known-datasets.json", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "fieldbench-lb-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function freshRoot(name: string): string {
  const root = join(tmp, name);
  mkdirSync(root, { recursive: true });
  copyFileSync(registry, join(root, "known-datasets.json"));
  return root;
}

function fixture(model: string): string {
  return join(fixtureDir, `nskt_mini.bicubic-x8.${model}.json`);
}

/** A copy of the bicubic result renamed `name` with test_1's rfne and its CI scaled by `factor`. */
function variant(name: string, factor: number): string {
  const r = JSON.parse(readFileSync(fixture("bicubic"), "utf8"));
  r.model.name = name;
  r.splits.test_1.metrics.rfne *= factor;
  r.splits.test_1.ci95.rfne = r.splits.test_1.ci95.rfne.map((v: number) => v * factor);
  const path = join(tmp, `${name}.json`);
  writeFileSync(path, JSON.stringify(r));
  return path;
}

function tableRows(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = markdown.slice(start).split("\n").slice(4); // heading, blank, sentence, blank
  const rows: string[] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith("|")) break;
    rows.push(line);
  }
  return rows;
}

describe("submitResult and buildLeaderboard", () => {
  it("stores a valid result and ranks it by rfne in the rebuilt markdown and CSV", async () => {
    const root = freshRoot("rank");
    const first = await submitResult(fixture("bilinear"), root, "1.0.0");
    expect(first.stored).toBe("superbench/nskt_mini/bicubic-x8/bilinear@1.default.json");
    expect(first.replaced).toBe(false);
    await submitResult(fixture("bicubic"), root, "1.0.0");
    // Between bicubic (test_1 rfne 0.52992, tools/fixtures/nskt-mini-bicubic-rfne.py) and bilinear (0.5918, the fixture).
    const middle = await submitResult(variant("hand-middle", 1.1), root, "1.0.0");
    expect(middle.written).toContain("superbench.md");

    const md = readFileSync(join(root, "superbench.md"), "utf8");
    const test1 = tableRows(md, "### nskt_mini / bicubic-x8 / test_1 (default mode)");
    expect(test1.map((r) => r.split("|")[2]?.trim())).toEqual(["bicubic", "hand-middle", "bilinear"]);
    expect(test1[0]).toMatch(/^\| 1 \| bicubic \| 1 \| 0 \| 2 \| 0\.5299 \[/);
    expect(test1[1]).toMatch(/^\| 2 \| hand-middle \| 1 \| 0 \| 2 \| 0\.5829 \[/); // 0.52992 * 1.1 = 0.58291
    // test_2 was not changed: hand-middle ties with bicubic (same rank), bilinear last.
    const test2 = tableRows(md, "### nskt_mini / bicubic-x8 / test_2 (default mode)");
    expect(test2.map((r) => r.split("|")[1]?.trim())).toEqual(["1", "1", "3"]);
    expect(md).toContain("| Rank | Model | u rfne |");

    const rows = parse(readFileSync(join(root, "superbench.csv"), "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    const t1 = rows.filter((r) => r.split === "test_1");
    expect(t1.map((r) => [r.rank, r.model])).toEqual([
      ["1", "bicubic"],
      ["2", "hand-middle"],
      ["3", "bilinear"],
    ]);
    expect(Number(t1[0]?.rfne)).toBeCloseTo(0.5299, 4);
    expect(Number(t1[0]?.rfne_ci_lo)).toBeLessThanOrEqual(Number(t1[0]?.rfne));
    expect(Number(t1[0]?.u_rfne)).toBeCloseTo(0.3863, 4); // u 0.38628 (the same script)
    expect(readFileSync(join(root, "superbench/nskt_mini/bicubic-x8/leaderboard.md"), "utf8")).toContain("hand-middle");

    // Rebuilding gives the same bytes; resubmitting replaces.
    await buildLeaderboard(root);
    expect(readFileSync(join(root, "superbench.md"), "utf8")).toBe(md);
    expect((await submitResult(fixture("bicubic"), root, "1.0.0")).replaced).toBe(true);
  });

  it("lands every one of several concurrent in-process submissions", async () => {
    const root = freshRoot("race");
    const names = ["m1", "m2", "m3", "m4"].map((n, i) => variant(n, 1 + i / 10));
    await Promise.all(names.map((p) => submitResult(p, root, "1.0.0")));
    const stored = readdirSync(join(root, "superbench/nskt_mini/bicubic-x8")).sort();
    expect(stored).toEqual([
      "leaderboard.csv",
      "leaderboard.md",
      "m1@1.default.json",
      "m2@1.default.json",
      "m3@1.default.json",
      "m4@1.default.json",
    ]);
    const md = readFileSync(join(root, "superbench.md"), "utf8");
    for (const n of ["m1", "m2", "m3", "m4"]) expect(md).toContain(`| ${n} |`);
    expect(readdirSync(root).filter((f) => f.includes(".tmp") || f.includes("lock"))).toEqual([]);
  });

  it("refuses without storing anything: a stale spec version", async () => {
    const root = freshRoot("refuse");
    await expect(submitResult(fixture("bicubic"), root, "2.0.0")).rejects.toMatchObject({ code: "SCHEMA_INVALID" });
    expect(readdirSync(root)).toEqual(["known-datasets.json"]);
  });

  it("serialises holders of the lock and takes over a lock whose owner died", async () => {
    const root = freshRoot("lock");
    const order: string[] = [];
    const hold = (name: string) =>
      withLock(root, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${name}-`);
      });
    await Promise.all([hold("a"), hold("b")]);
    expect(order.join(" ")).toMatch(/^(a\+ a- b\+ b-|b\+ b- a\+ a-)$/);
    mkdirSync(join(root, ".build.lock"));
    writeFileSync(join(root, ".build.lock", "owner"), "999999999\n"); // no such process
    await expect(withLock(root, async () => 7, { timeoutMs: 2000 })).resolves.toBe(7);
  });
});
