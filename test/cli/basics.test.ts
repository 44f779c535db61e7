import { readFileSync } from "node:fs";
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

  it("exits 2 with one line on stderr for an unknown command or a missing path", () => {
    const unknown = runCli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const missing = runCli(["inspect", "/no/such/file.nc"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^fieldbench: \/no\/such\/file\.nc: no such file or directory\n$/);
    expect(missing.stdout).toBe("");
  });
});
