import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSuperbench } from "@fieldbench/superbench";
import { afterAll, describe, expect, it } from "vitest";
import { runTransfer } from "./transfer.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-transfer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runTransfer", () => {
  it("its reference column equals the in-distribution results of `run superbench`, with ratio 1", async () => {
    const conditions = [
      { dataset: "nskt_mini", task: "bicubic-x8", split: "test_1" as const },
      { dataset: "nskt_mini", task: "bicubic-x8", split: "test_2" as const },
      { dataset: "nskt_mini", task: "bicubic-x16", split: "test_1" as const },
    ];
    const models = ["bicubic", "bilinear"];
    const result = await runTransfer({ models, conditions, limit: 1, cwd: dir });
    expect(result.conditions.map((c) => c.label)).toEqual([
      "nskt_mini bicubic-x8 test_1",
      "nskt_mini bicubic-x8 test_2",
      "nskt_mini bicubic-x16 test_1",
    ]);
    for (const [i, model] of models.entries()) {
      for (const [j, c] of conditions.entries()) {
        if (j === 2) continue;
        // the independent path: the whole benchmark run, its result file's aggregated RFNE
        const run = await runSuperbench({
          model,
          task: c.task,
          limit: 1,
          cwd: dir,
          out: `${model}.${j}.json`,
          progressMode: "quiet",
        });
        expect(result.cells[i]![j]!.rfne).toBeCloseTo(run.result.splits[c.split]!.metrics["rfne"]!, 12);
      }
      expect(result.cells[i]![0]!.ratio).toBe(1);
      const [ref, other] = [result.cells[i]![0]!, result.cells[i]![2]!];
      expect(other.ratio).toBeCloseTo(other.rfne! / ref.rfne!, 14);
      // x16 loses more than x8 of the same fields
      expect(other.ratio!).toBeGreaterThan(1);
    }
  });

  it("scores an x8 package on x16 input against the truth on its output grid, and refuses the reverse", async () => {
    const x8 = join(import.meta.dirname, "../../../models/srcnn-nskt-x8");
    const x16 = join(import.meta.dirname, "../../../models/srcnn-nskt-x16");
    const result = await runTransfer({
      models: [x8, x16],
      conditions: [
        { dataset: "nskt_mini", task: "bicubic-x16", split: "test_1" },
        { dataset: "nskt_mini", task: "bicubic-x8", split: "test_1" },
      ],
      limit: 1,
      cwd: dir,
    });
    expect(result.models.map((m) => m.scale)).toEqual([8, 16]);
    expect(result.cells[0]![0]!.rfne).toBeGreaterThan(0);
    expect(result.cells[1]![1]!).toMatchObject({ rfne: null, note: "an x16 model cannot take x8 input" });
  });
});
