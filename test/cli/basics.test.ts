import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers.js";

describe("fieldbench binary", () => {
  it("prints its version from package.json", () => {
    const r = runCli(["--version"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages", "cli", "package.json"), "utf8")) as { version: string };
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("teaches with --help: commands, exit codes, examples", () => {
    const r = runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/inspect/);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 the work failed, 2 bad usage/);
  });

  it("bare fieldbench prints the help on stdout and exits 0, nothing on stderr", () => {
    const r = runCli([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: fieldbench /);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 the work failed, 2 bad usage/);
    expect(r.stderr).toBe("");
  });

  it("exits 2 with one line on stderr for an unknown command or a missing path", () => {
    const unknown = runCli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const missing = runCli(["inspect", "/no/such/file.nc"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^fieldbench: \/no\/such\/file\.nc: no such file or directory\n$/);
    expect(missing.stdout).toBe("");
  });

  it("leaderboard build of a missing --root exits 2 naming the folder, and builds nothing", () => {
    const root = join(mkdtempSync(join(tmpdir(), "fieldbench-board-")), "no-such-board");
    const r = runCli(["leaderboard", "build", "--root", root, "--no-images"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`fieldbench: --root ${root}: no such folder (it holds superbench/<dataset>/...)\n`);
    expect(existsSync(root)).toBe(false);
  });
});
