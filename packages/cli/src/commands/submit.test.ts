import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_SPLITS, checksumSplits, embeddedDataRoot } from "@fieldbench/superbench";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// biome-ignore lint/suspicious/noExplicitAny: result JSON edited by hand to make invalid files
type Json = any;

const repo = new URL("../../../../", import.meta.url).pathname;
const registry = join(repo, "leaderboards", "known-datasets.json");
const fixture = join(repo, "packages/leaderboard/fixtures/nskt_mini.bicubic-x8.bicubic.json");
const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-submit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "leaderboards"));
copyFileSync(registry, join(dir, "leaderboards", "known-datasets.json"));

function edited(name: string, edit: (r: Json) => void): string {
  const r = JSON.parse(readFileSync(fixture, "utf8"));
  edit(r);
  writeFileSync(join(dir, name), JSON.stringify(r));
  return name;
}

describe("fieldbench submit / leaderboard build", () => {
  it("the committed registry holds the embedded nskt_mini's real test-split checksum", async () => {
    const known = JSON.parse(readFileSync(registry, "utf8")).datasets;
    const checksum = await checksumSplits(embeddedDataRoot("nskt_mini"), TEST_SPLITS);
    expect(known).toContainEqual(expect.objectContaining({ key: "nskt_mini", version: "1", checksum }));
  });

  it.each([
    ["wrong schema", (r: Json) => (r.schema = "other/1"), /does not match the result schema: schema/],
    ["NaN metric", (r: Json) => (r.splits.test_1.metrics.rfne = "NaN"), /splits\.test_1\.metrics\.rfne/],
    ["null metric", (r: Json) => (r.splits.test_1.metrics.mse = null), /metrics\.mse is null/],
    [
      "unknown checksum",
      (r: Json) => (r.dataset.checksum = "0".repeat(64)),
      /checksum 0000000000000000\.\.\. is unknown/,
    ],
    ["stale spec", (r: Json) => (r.suite.specVersion = "0.1.0"), /spec version 0\.1\.0 is not the current 1\.0\.0/],
  ])("refuses a result with a %s: exit 2, one line, nothing stored", async (name, edit, reason) => {
    const file = edited(`${name.replace(/ /g, "-")}.json`, edit);
    const r = await runMain(["submit", file], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("adds a valid result and rebuilds; leaderboard build rewrites the same tables", async () => {
    const r = await runMain(["submit", fixture, "--json"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ stored: "superbench/nskt_mini/bicubic-x8/bicubic@1.default.json" });
    const md = readFileSync(join(dir, "leaderboards/superbench.md"), "utf8");
    expect(md).toMatch(/\| 1 \| bicubic \| 1 \| 0 \| 2 \| 0\.5299 \[/);
    const built = await runMain(["leaderboard", "build", "--no-images"], dir);
    expect(built.code).toBe(0);
    expect(readFileSync(join(dir, "leaderboards/superbench.md"), "utf8")).toBe(md);
    expect((await runMain(["leaderboard", "publish"], dir)).code).toBe(2);
  });
});
