import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-diagnostics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fieldbench convergence and transfer", () => {
  it("convergence writes its JSON, table and plot, with bicubic's levels on the embedded sample", async () => {
    const r = await runMain(
      ["convergence", "--model", "bicubic", "--levels", "2", "--limit", "1", "--json", "--out", "c"],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    // nskt_mini is 256²: levels 256² and 128², LR 32² and 16² at x8
    expect(result.curves[0].levels.map((l: { hr: number; lr: number }) => [l.hr, l.lr])).toEqual([
      [256, 32],
      [128, 16],
    ]);
    expect(readFileSync(join(dir, "c", "convergence.md"), "utf8")).toMatch(
      /^\| model \| 256² \(LR 32²\) \| 128² \(LR 16²\)/,
    );
    expect(readFileSync(join(dir, "c", "convergence.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("transfer writes the heat map page and its reference column has ratio 1", async () => {
    const r = await runMain(
      ["transfer", "--models", "bicubic", "--splits", "test_1,test_2", "--limit", "1", "--json", "--out", "t"],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.cells[0][0].ratio).toBe(1);
    expect(readFileSync(join(dir, "t", "transfer.html"), "utf8")).toContain("<svg");
  });

  it("exits 2 with one line for bad flags and unknown names", async () => {
    for (const argv of [
      ["convergence", "--model", "bicubic", "--levels", "0"],
      ["convergence", "--model", "bicubic", "--levels", "9"],
      ["convergence", "--model", "nope"],
      ["convergence", "--model", "bicubic", "--task", "lrsim"],
      ["transfer", "--models", "bicubic", "--datasets", "nskt_mini=/no/such/dir"],
      ["transfer", "--models", "bicubic", "--splits", "train"],
      ["transfer", "--models", "bicubic", "--reference", "5"],
      ["transfer", "--models", "bicubic", "--datasets", "bad key"],
    ]) {
      const r = await runMain(argv, dir);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), argv.join(" ")).toHaveLength(1);
    }
  });
});
