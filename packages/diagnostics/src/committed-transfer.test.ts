import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { TransferResult } from "./transfer.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** The committed leaderboard results: (model package name, task) -> RFNE per test split. */
function leaderboardRfne(dataset: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  const root = join(repo, "leaderboards", "superbench", dataset);
  for (const task of readdirSync(root)) {
    for (const file of readdirSync(join(root, task)).filter((f) => f.endsWith(".default.json"))) {
      const r = JSON.parse(readFileSync(join(root, task, file), "utf8"));
      out.set(`${r.model.name} ${task}`, {
        test_1: r.splits.test_1.metrics.rfne,
        test_2: r.splits.test_2.metrics.rfne,
      });
    }
  }
  return out;
}

describe("the committed transfer matrix (leaderboards/diagnostics/transfer/nskt_mini)", () => {
  it("holds, in every in-distribution cell, the committed leaderboard result of the same model, task and split", () => {
    const matrix = JSON.parse(
      readFileSync(join(repo, "leaderboards/diagnostics/transfer/nskt_mini/transfer.json"), "utf8"),
    ) as TransferResult;
    const board = leaderboardRfne("nskt_mini");
    let compared = 0;
    for (const [i, row] of matrix.cells.entries()) {
      for (const [j, cell] of row.entries()) {
        const c = matrix.conditions[j]!;
        // a package on another scale's input is out of distribution: the leaderboard has no such row
        if (matrix.models[i]!.scale !== null && !c.task.endsWith(`x${matrix.models[i]!.scale}`)) continue;
        const expected = board.get(`${cell.model.name} ${c.task}`);
        expect(expected, `${cell.model.name} ${c.task}`).toBeDefined();
        expect(cell.rfne).toBeCloseTo(expected![c.split]!, 12);
        compared++;
      }
      expect(row[matrix.reference]!.ratio).toBe(1);
    }
    // 6 registry rows x 4 conditions + 2 x8 packages x 2 x8 conditions
    expect(compared).toBe(28);
  });
});
