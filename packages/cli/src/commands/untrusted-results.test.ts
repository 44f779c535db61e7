import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// Attack 2 of docs/security.md: a result file whose model.name is a folder made `report`, `submit` and
// `leaderboard build` load that folder as a model package and run it, unsandboxed. The package here writes a marker
// file when it is merely imported; none of the commands may let it appear.
const repo = new URL("../../../../", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-untrusted-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const marker = join(dir, "marker.txt");
process.env.FIELDBENCH_MARKER = marker;

function hostileResult(): string {
  const r = JSON.parse(readFileSync(join(repo, "packages/leaderboard/fixtures/hostile/package-path-name.json"), "utf8"));
  // Absolute, so it names the package whatever the working directory (the attack as it worked before).
  r.model.name = join(repo, "packages/superbench/fixtures/hostile/plants-marker");
  const path = join(dir, "hostile.json");
  writeFileSync(path, JSON.stringify(r));
  return path;
}

describe("model names in result files are never loaded as code (attack 2)", () => {
  it("report, submit and leaderboard build show numbers only and never import the named folder", async () => {
    const result = hostileResult();
    const report = await runMain(["report", result, "--out", "report", "--json"], dir);
    expect(report.stderr).toBe("");
    expect(JSON.parse(report.stdout).visuals).toBe(false);

    mkdirSync(join(dir, "lb"));
    copyFileSync(join(repo, "leaderboards/known-datasets.json"), join(dir, "lb/known-datasets.json"));
    const submit = await runMain(["submit", result, "--root", "lb"], dir);
    expect(submit.stderr).toBe("");
    expect(submit.code).toBe(0);
    const build = await runMain(["leaderboard", "build", "--root", "lb"], dir);
    expect(build.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  }, 60_000);

  it("report --model takes built-in model names only: a folder is refused with where package images come from", async () => {
    const r = await runMain(
      ["report", hostileResult(), "--out", "r2", "--model", join(repo, "packages/superbench/fixtures/hostile/plants-marker")],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a built-in model .*ci-score PKG --sample FILE/);
    expect(existsSync(marker)).toBe(false);
  });
});
