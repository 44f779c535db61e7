import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResult } from "@fieldbench/leaderboard";
import { afterAll, describe, expect, it } from "vitest";
import { runSuperbench } from "./run.js";
import { sidecarPath } from "./sidecar.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runSuperbench on the embedded sample", () => {
  it("runs bicubic x8 with no arguments and writes a result that validates", async () => {
    const out = join(dir, "default.json");
    const outcome = await runSuperbench({ out, progressMode: "quiet" });
    console.log(outcome.table);
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(parseResult(written).ok).toBe(true);
    expect(written.splits.test_1.snapshots).toBe(2);
    expect(written.splits.test_2.snapshots).toBe(2);
    expect(written.task).toMatchObject({ name: "bicubic-x8", degradation: "bicubic-aa", scale: 8 });
    expect(existsSync(sidecarPath(out))).toBe(false);
  });

  it("resumes after an interruption without recomputing finished snapshots, and gives the same numbers", async () => {
    const out = join(dir, "resume.json");
    const options = {
      out,
      task: "noisy-uniform-5-x8",
      model: "bilinear",
      mode: "compat" as const,
      progressMode: "quiet" as const,
    };
    await expect(runSuperbench({ ...options, stopAfter: 1 })).rejects.toMatchObject({ code: "WORK_FAILED" });
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(sidecarPath(out), "utf8").trim().split("\n")).toHaveLength(2); // header + one snapshot
    const resumed = await runSuperbench(options);
    expect(resumed.resumed).toBe(1);
    expect(resumed.computed).toBe(3);
    const fresh = await runSuperbench({ ...options, out: join(dir, "fresh.json") });
    expect(fresh.computed).toBe(4);
    // Frozen noise and deterministic bootstrap: identical metrics and CIs.
    expect(resumed.result.splits).toEqual(fresh.result.splits);
  });

  it("applies --limit and --shard per split and records the subset", async () => {
    const outcome = await runSuperbench({
      out: join(dir, "shard.json"),
      limit: 2,
      shard: { index: 1, count: 2 },
      progressMode: "quiet",
    });
    expect(outcome.result.splits.test_1.perSnapshot?.map((s) => s.index)).toEqual([1]);
    expect(outcome.result.subset).toEqual({ limit: 2, shard: { index: 1, count: 2 } });
  });

  it("refuses an unknown task, model or dataset, and a non-embedded dataset without --data", async () => {
    await expect(runSuperbench({ task: "bicubic-x3" })).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    await expect(runSuperbench({ model: "srgan" })).rejects.toMatchObject({ code: "UNKNOWN_MODEL" });
    await expect(runSuperbench({ dataset: "sst4" })).rejects.toMatchObject({ code: "UNKNOWN_DATASET" });
    await expect(runSuperbench({ dataset: "nskt_16k" })).rejects.toMatchObject({ code: "BAD_USAGE" });
    await expect(runSuperbench({ task: "lrsim" })).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    await expect(runSuperbench({ data: join(dir, "does-not-exist") })).rejects.toMatchObject({
      code: "FILE_NOT_FOUND",
    });
  });
});
