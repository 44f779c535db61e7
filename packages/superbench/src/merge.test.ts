import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SuperbenchResult } from "@fieldbench/leaderboard";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeShardFiles, mergeShards } from "./merge.js";
import { runSuperbench } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-merge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let whole: SuperbenchResult;
const shards: SuperbenchResult[] = [];
const shardPaths: string[] = [];

beforeAll(async () => {
  whole = (await runSuperbench({ out: join(dir, "whole.json"), model: "bicubic", progressMode: "quiet" })).result;
  for (let i = 0; i < 3; i++) {
    const out = join(dir, `shard-${i}.json`);
    shards.push(
      (await runSuperbench({ out, model: "bicubic", shard: { index: i, count: 3 }, progressMode: "quiet" })).result,
    );
    shardPaths.push(out);
  }
}, 120_000);

describe("mergeShards", () => {
  it("merges n = 3 shards into exactly the unsharded run's splits (metrics, perChannel, ci95, perSnapshot)", async () => {
    // nskt_mini has 2 snapshots per split: shards 0/3 and 1/3 hold one each, 2/3 holds none.
    expect(shards.map((s) => s.splits.test_1.snapshots)).toEqual([1, 1, 0]);
    const merged = await mergeShardFiles(
      [shardPaths[2], shardPaths[0], shardPaths[1]] as string[],
      join(dir, "m.json"),
    );
    expect(merged.splits).toEqual(whole.splits);
    expect(merged.subset).toBeUndefined();
    const written = JSON.parse(readFileSync(join(dir, "m.json"), "utf8"));
    expect(written.splits).toEqual(JSON.parse(readFileSync(join(dir, "whole.json"), "utf8")).splits);
    const { wallTimeSeconds: _a, date: _b, hardware: _c, ...identity } = merged;
    const { wallTimeSeconds: _d, date: _e, hardware: _f, ...wholeIdentity } = whole;
    expect(identity).toEqual(wholeIdentity);
  });

  it("refuses a missing shard, a repeated shard and shards of another run, with one line", () => {
    const [s0, s1, s2] = shards as [SuperbenchResult, SuperbenchResult, SuperbenchResult];
    expect(() => mergeShards([s0, s1])).toThrow(/missing shard\(s\) 2\/3/);
    expect(() => mergeShards([s0, s1, s1])).toThrow(/both shard 1\/3/);
    const other = { ...s2, model: { ...s2.model, name: "bilinear" } };
    expect(() => mergeShards([s0, s1, other])).toThrow(/another run/);
    const otherChecksum = { ...s2, dataset: { ...s2.dataset, checksum: "0".repeat(64) } };
    expect(() => mergeShards([s0, s1, otherChecksum])).toThrow(/another run/);
    expect(() => mergeShards([whole])).toThrow(/not a shard/);
    // Same shard numbering but overlapping snapshots (a hand-edited file).
    const overlap = { ...s2, splits: { ...s2.splits, test_1: s0.splits.test_1 } };
    expect(() => mergeShards([s0, s1, overlap])).toThrow(/test_1 snapshot 0 is in both/);
  });

  it("refuses a file that is not a valid result with the file name", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ schema: "nope" }));
    await expect(mergeShardFiles([bad], join(dir, "x.json"))).rejects.toMatchObject({ code: "SCHEMA_INVALID" });
  });
});
