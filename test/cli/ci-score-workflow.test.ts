import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

// Attack 10 of docs/security.md: the workflow interpolated `${{ }}` into bash, skipped packages by name and built the
// pull request's own checkout. The workflow file is parsed by PyYAML (an independent reader) and its scripts are run
// for real against a local git repository whose pull request adds a package folder named `a$(touch PWNED)`.
const WORKFLOW = join(ROOT, ".github", "workflows", "ci-score.yml");
const dir = mkdtempSync(join(tmpdir(), "fieldbench-workflow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

function workflow(): { on: Record<string, unknown>; steps: Step[] } {
  const py = spawnSync(
    "/usr/bin/python3",
    ["-c", "import json, sys, yaml; d = yaml.safe_load(open(sys.argv[1])); d['on'] = d.pop(True); print(json.dumps(d))", WORKFLOW],
    { encoding: "utf8" },
  );
  expect(py.status, py.stderr).toBe(0);
  const parsed = JSON.parse(py.stdout);
  return { on: parsed.on, steps: parsed.jobs["ci-score"].steps };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe("the ci-score workflow", () => {
  it("scores with the base branch's code, passes values through env only and skips nothing by name", () => {
    const { on, steps } = workflow();
    expect(Object.keys(on)).toEqual(["pull_request_target"]);
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout"));
    expect(checkout?.with).toMatchObject({ ref: "${{ github.event.pull_request.base.sha }}", "persist-credentials": false });
    expect(steps.filter((s) => s.uses?.startsWith("actions/checkout"))).toHaveLength(1);
    for (const step of steps.filter((s) => s.run !== undefined)) {
      expect(step.run, step.name).not.toContain("${{");
      expect(step.run, step.name).not.toMatch(/hostile/);
    }
    expect(steps.some((s) => s.run?.includes("--no-sandbox"))).toBe(false);
  });

  it("a folder named `a$(touch PWNED)` stays a name: exported as data and scored in the sandbox", () => {
    const { steps } = workflow();
    const exportStep = steps.find((s) => s.name === "Export the pull request's packages as data") as Step;
    const scoreStep = steps.find((s) => s.name === "Re-score each package in the sandbox") as Step;
    // A repository with a base commit and a pull request head that adds one package with a hostile folder name.
    const repo = join(dir, "repo");
    mkdirSync(repo);
    git(repo, "init", "-q");
    writeFileSync(join(repo, "README.md"), "base\n");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "base");
    const base = git(repo, "rev-parse", "HEAD");
    const name = "a$(touch PWNED)";
    const pkg = join(repo, "examples", "model-packages", name);
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "nearest", version: "1.0.0", type: "module", fieldbench: { kind: "js", entry: "index.mjs" } }),
    );
    copyFileSync(join(ROOT, "packages", "superbench", "fixtures", "nearest", "index.mjs"), join(pkg, "index.mjs"));
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "pull request");
    git(repo, "update-ref", "refs/pull/7/head", "HEAD");
    git(repo, "checkout", "-q", base);

    const runnerTemp = join(dir, "runner-temp");
    mkdirSync(runnerTemp);
    const env = { ...process.env, RUNNER_TEMP: runnerTemp, REPO_URL: `file://${repo}`, PR_NUMBER: "7", BASE_SHA: base };
    const exported = spawnSync("bash", ["-e", "-c", exportStep.run as string], { cwd: repo, env, encoding: "utf8" });
    expect(exported.status, exported.stderr).toBe(0);
    expect(readFileSync(join(runnerTemp, "package-dirs"), "utf8")).toBe(`examples/model-packages/${name}\0`);
    expect(existsSync(join(runnerTemp, "pr-packages", "examples", "model-packages", name, "index.mjs"))).toBe(true);

    // The scoring step runs in the scorer's checkout (this repository, built).
    const scored = spawnSync("bash", ["-e", "-c", scoreStep.run as string], {
      cwd: ROOT,
      env: { ...process.env, RUNNER_TEMP: runnerTemp, FIELDBENCH_SECRET_SEED: "" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(scored.status, scored.stderr).toBe(0);
    expect(scored.stdout).toMatch(/^nearest@1\.0\.0 \(js\): test_1 rfne \d/m);
    for (const where of [repo, ROOT, runnerTemp, dir]) expect(existsSync(join(where, "PWNED"))).toBe(false);
  }, 150_000);
});
