import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const examples = new URL("../../../../examples/model-packages/", import.meta.url).pathname;
const hostile = new URL("../../../superbench/fixtures/hostile/", import.meta.url).pathname;
const nearest = new URL("../../../superbench/fixtures/nearest/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-ci-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fieldbench ci-score", () => {
  // TF.js inference on the CPU takes ~13 s a run on an idle core (npm run bench sandbox); the limit leaves room for
  // a loaded CI machine.
  it("accepts the TF.js example against claims from an ordinary run (exit 0)", async () => {
    const pkg = join(examples, "tfjs-srcnn");
    const run = await runMain(["run", "superbench", "--model", pkg, "--quiet", "--out", "claims.json"], dir);
    expect(run.code).toBe(0);
    const ok = await runMain(["ci-score", pkg, "--claims", "claims.json"], dir);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/accepted: all \d+ claimed values reproduced/);
  }, 120_000);

  it("rejects claims 5% better than the package scores (exit 1), with the diff table", async () => {
    const pkg = join(examples, "js-bicubic");
    const run = await runMain(["run", "superbench", "--model", pkg, "--quiet", "--out", "js-claims.json"], dir);
    expect(run.code).toBe(0);
    const claims = JSON.parse(readFileSync(join(dir, "js-claims.json"), "utf8"));
    claims.splits.test_2.metrics.rfne *= 0.95;
    writeFileSync(join(dir, "inflated.json"), JSON.stringify(claims));
    const bad = await runMain(["ci-score", pkg, "--claims", "inflated.json"], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\| test_2 \| rfne \| [0-9.]+ \| [0-9.]+ \| 5\.263% \| MISMATCH \|/); // 1/0.95 - 1
    expect(bad.stderr).toMatch(
      /^fieldbench: claims of fieldbench-example-js-bicubic rejected: 1 of \d+ claimed values not reproduced\n$/,
    );
  }, 60_000);

  it("exits 2 with one line for a hostile package and for a bad flag", async () => {
    const r = await runMain(["ci-score", join(hostile, "read-truth")], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/stopped by the sandbox/);
    expect((await runMain(["ci-score", join(examples, "js-bicubic"), "--timeout", "0"], dir)).code).toBe(2);
  });

  it("refuses to run untrusted code without bubblewrap (exit 2, what to install) unless --no-sandbox", async () => {
    const pkg = join(examples, "js-bicubic");
    const r = await runMain(["ci-score", pkg], dir, { PATH: "/nonexistent" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^fieldbench: cannot sandbox untrusted code: bubblewrap \(bwrap\) is not installed: apt-get install bubblewrap; pass --no-sandbox only for packages you trust\n$/,
    );
    const plain = await runMain(["ci-score", pkg, "--no-sandbox", "--json"], dir, { PATH: "/nonexistent" });
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).isolation).toEqual({ os: "none", cgroup: false });
    expect(plain.stderr).toMatch(/--no-sandbox: the package runs without bubblewrap/);
  }, 30_000);

  it("attack 9: a package name with ANSI codes and a `::error` workflow command is printed escaped", async () => {
    const pkg = join(dir, "ansi");
    mkdirSync(pkg);
    // Self-contained (a package outside the repository cannot import fieldbench).
    copyFileSync(join(nearest, "index.mjs"), join(pkg, "index.mjs"));
    const name = "x\u001b[2J\n::error file=a::pwned";
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, version: "1.0.0", type: "module", fieldbench: { kind: "js", entry: "index.mjs" } }));
    const r = await runMain(["ci-score", pkg], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b|\n::error/);
    expect(r.stdout).toMatch(/^x\\u001b\[2J\\u000a::error file=a::pwned@1\.0\.0 \(js\): test_1 rfne \d/);
  }, 30_000);

  it("writes the sandboxed run's sample, which `report --sample` shows without running the package again", async () => {
    const pkg = join(examples, "js-bicubic");
    const r = await runMain(["ci-score", pkg, "--out", "rescored.json", "--sample", "sample.json"], dir);
    expect(r.code).toBe(0);
    const sample = JSON.parse(readFileSync(join(dir, "sample.json"), "utf8"));
    expect(sample).toMatchObject({ hr: { height: 256, width: 256 }, lr: { height: 32, width: 32 } });
    const report = await runMain(["report", "rescored.json", "--sample", "sample.json", "--out", "report", "--json"], dir);
    expect(report.stderr).toBe("");
    expect(JSON.parse(report.stdout).visuals).toBe(true);
  }, 60_000);
});
