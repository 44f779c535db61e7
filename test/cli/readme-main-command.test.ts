import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResult } from "@fieldbench/leaderboard";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers.js";

/** The README's two set-up commands, read from its first code block, so this test breaks when they change. */
function setupCommands(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "");
}

describe("README main command", () => {
  it("starts with exactly two set-up commands: the main job and the tests", () => {
    const commands = setupCommands();
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/fieldbench run superbench$/);
    expect(commands[1]).toMatch(/npm test$/);
  });

  it("`fieldbench run superbench` scores bicubic x8 on the embedded dataset, prints the table and writes a valid result", () => {
    const cwd = mkdtempSync(join(tmpdir(), "fb-readme-"));
    const r = runCli(["run", "superbench"], { cwd, env: { CI: "1" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SuperBench nskt_mini bicubic-x8 \(x8\) model bicubic/);
    expect(r.stdout).toMatch(/\| test_1 \| 2 \|/);
    expect(r.stdout).toMatch(/\| test_2 \| 2 \|/);
    const files = readdirSync(join(cwd, "fieldbench-results")).filter((f) => f.endsWith(".json"));
    expect(files).toEqual(["nskt_mini.bicubic-x8.bicubic.json"]);
    const parsed = parseResult(JSON.parse(readFileSync(join(cwd, "fieldbench-results", files[0] as string), "utf8")));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.result.splits.test_1.snapshots).toBe(2);
      // RFNE of bicubic x8 lies strictly between a perfect model (0) and predicting zeros (1).
      const rfne = parsed.result.splits.test_1.metrics.rfne as number;
      expect(rfne).toBeGreaterThan(0);
      expect(rfne).toBeLessThan(1);
    }
  });
});
