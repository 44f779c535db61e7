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
});
