import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, type RunResult, runCli } from "../helpers.js";

// What travels to the GPU machine (tools/bundle-gpu.sh, docs/gpu-runs.md): the fieldbench CLI plus the GPU-only jobs
// in one file. The GPU is not here, so this checks what can rot on the CPU: the bundle builds, its CLI is the CLI
// (same help, same scores as the built binary), the job dispatcher answers, and the jobs type-check.
// `.device-check` is a folder in the repository root (git-ignored) because the bundle must sit at the sources'
// depth to find datasets/ and models/; `.device` is left alone, it may hold an engineer's prepared toolchain.
const DEST = ".device-check";
const APP = join(ROOT, DEST, "app", "app.mjs");

function run(command: string, args: readonly string[], cwd = ROOT): RunResult {
  const r = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 240_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe("the GPU bundle (npm run bench:gpu)", () => {
  beforeAll(() => {
    const bundled = run("bash", ["tools/bundle-gpu.sh", "--no-prepare", DEST]);
    expect(bundled.stderr).toMatch(/bundled the fieldbench CLI/);
    expect(bundled.code).toBe(0);
  });
  afterAll(() => rmSync(join(ROOT, DEST), { recursive: true, force: true }));

  it("runs the fieldbench CLI: the same --help as the built binary", () => {
    const bundled = run(process.execPath, [APP, "--help"]);
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toBe(runCli(["--help"]).stdout);
  });

  it("`run superbench` on the embedded data scores exactly as the built binary does, from any folder", () => {
    const cwd = mkdtempSync(join(tmpdir(), "fb-gpu-bundle-"));
    const bundled = run(process.execPath, [APP, "run", "superbench", "--json", "--out", "bundled.json"], cwd);
    expect(bundled.code).toBe(0);
    const plain = runCli(["run", "superbench", "--json", "--out", join(cwd, "plain.json")], { cwd });
    expect(plain.code).toBe(0);
    const read = (name: string) =>
      JSON.parse(readFileSync(join(cwd, name), "utf8")) as { dataset: unknown; splits: unknown; model: unknown };
    const [b, p] = [read("bundled.json"), read("plain.json")];
    expect(b.dataset).toEqual(p.dataset);
    expect(b.model).toEqual(p.model);
    expect(b.splits).toEqual(p.splits);
  });

  it("lists the GPU jobs, and refuses an unknown one with exit code 2", () => {
    const list = run(process.execPath, [APP, "job"]);
    expect(list.code).toBe(0);
    for (const job of ["bench", "conv-bench", "sweep", "host-profile", "field-time"])
      expect(list.stdout).toContain(`job ${job}`);
    const unknown = run(process.execPath, [APP, "job", "frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown job "frobnicate"/);
  });

  it("bad usage of the bundled CLI exits 2 with one line, as the CLI does", () => {
    const r = run(process.execPath, [APP, "run", "superbench", "--dataset", "no_such_dataset"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("the GPU jobs in tools/gpu/ type-check against the packages' sources (tsc)", () => {
    const tsc = run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tools/gpu"]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  });
});
