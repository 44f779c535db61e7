import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, ROOT } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-e2e-submit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spawnCli(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe("fieldbench submit from concurrent processes", () => {
  it("two submissions started at the same time both land, and the tables list both", async () => {
    mkdirSync(join(dir, "leaderboards"));
    copyFileSync(join(ROOT, "leaderboards/known-datasets.json"), join(dir, "leaderboards/known-datasets.json"));
    const base = JSON.parse(
      readFileSync(join(ROOT, "packages/leaderboard/fixtures/nskt_mini.bicubic-x8.bicubic.json"), "utf8"),
    );
    for (const name of ["racer-a", "racer-b"]) {
      writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...base, model: { ...base.model, name } }));
    }
    const [a, b] = await Promise.all([spawnCli(["submit", "racer-a.json"]), spawnCli(["submit", "racer-b.json"])]);
    expect(a).toEqual({ code: 0, stderr: "" });
    expect(b).toEqual({ code: 0, stderr: "" });
    const folder = join(dir, "leaderboards/superbench/nskt_mini/bicubic-x8");
    expect(
      readdirSync(folder)
        .filter((f) => f.endsWith(".json"))
        .sort(),
    ).toEqual(["racer-a@1.default.json", "racer-b@1.default.json"]);
    for (const f of ["racer-a@1.default.json", "racer-b@1.default.json"]) {
      expect(JSON.parse(readFileSync(join(folder, f), "utf8")).model.name).toBe(f.split("@")[0]);
    }
    const csv = readFileSync(join(dir, "leaderboards/superbench.csv"), "utf8");
    expect(csv).toContain(",racer-a,");
    expect(csv).toContain(",racer-b,");
  }, 60_000);
});
