import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-merge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fieldbench merge", () => {
  it("merges run --shard 0/2 and 1/2 into the unsharded run's splits", async () => {
    expect((await runMain(["run", "superbench", "--quiet", "--out", "whole.json"], dir)).code).toBe(0);
    for (const i of [0, 1]) {
      const r = await runMain(["run", "superbench", "--quiet", "--shard", `${i}/2`, "--out", `s${i}.json`], dir);
      expect(r.code).toBe(0);
    }
    const merged = await runMain(["merge", "s1.json", "s0.json", "--out", "merged.json"], dir);
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));
    expect(read("merged.json").splits).toEqual(read("whole.json").splits);
  }, 60_000);

  it("exits 2 with one line for an incomplete set or a missing file", async () => {
    const incomplete = await runMain(["merge", "s0.json", "--out", "x.json"], dir);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toBe("fieldbench: missing shard(s) 1/2\n");
    const missing = await runMain(["merge", "nope.json", "--out", "x.json"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });
});
