import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const examples = new URL("../../../../examples/model-packages/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-ci-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fieldbench ci-score", () => {
  it("accepts the TF.js example against claims from an ordinary run (exit 0), rejects 5% better ones (exit 1)", async () => {
    const pkg = join(examples, "tfjs-srcnn");
    const run = await runMain(["run", "superbench", "--model", pkg, "--quiet", "--out", "claims.json"], dir);
    expect(run.code).toBe(0);
    const ok = await runMain(["ci-score", pkg, "--claims", "claims.json"], dir);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/accepted: all \d+ claimed values reproduced/);

    const claims = JSON.parse(readFileSync(join(dir, "claims.json"), "utf8"));
    claims.splits.test_2.metrics.rfne *= 0.95;
    writeFileSync(join(dir, "inflated.json"), JSON.stringify(claims));
    const bad = await runMain(["ci-score", pkg, "--claims", "inflated.json"], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\| test_2 \| rfne \| [0-9.]+ \| [0-9.]+ \| 5\.263% \| MISMATCH \|/); // 1/0.95 - 1
    expect(bad.stderr).toMatch(
      /^fieldbench: claims of @fieldbench-models\/srcnn-nskt_mini-bicubic-x8 rejected: 1 of \d+ claimed values not reproduced\n$/,
    );
  }, 60_000);

  it("exits 2 with one line for a hostile package and for a bad flag", async () => {
    const r = await runMain(["ci-score", join(examples, "hostile-read-truth")], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/stopped by the sandbox/);
    expect((await runMain(["ci-score", join(examples, "js-bicubic"), "--timeout", "0"], dir)).code).toBe(2);
  });
});
