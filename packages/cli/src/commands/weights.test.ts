import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const srcnn = fileURLToPath(new URL("../../../../models/srcnn-nskt-x8", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "fieldbench-cli-weights-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** numpy on the same weights.bin: the first conv kernel's eigenvalues as WeightWatcher pools them. */
function numpyFirstLayer(): { count: number; lambdaMax: number; stableRank: number } {
  const script = `
import json, sys, numpy as np
w = np.fromfile(sys.argv[1], dtype="<f4")[: 9 * 9 * 3 * 64].reshape(9, 9, 3, 64).astype(np.float64)
ev = np.concatenate([np.linalg.svd(w[i, j], compute_uv=False) ** 2 for i in range(9) for j in range(9)])
print(json.dumps({"count": len(ev), "lambdaMax": ev.max(), "stableRank": ev.sum() / ev.max()}))`;
  const run = spawnSync("/usr/bin/python3", ["-c", script, join(srcnn, "weights.bin")], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe("fieldbench weights diagnose", () => {
  it("reports every SRCNN conv layer, as numpy computes them, and writes the JSON and the ESD plot", async () => {
    const r = await runMain(["weights", "diagnose", srcnn, "--json", "--out", "w"], dir);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    // 9x9x3x64, 5x5x64x32, 5x5x32x3: kh*kw slices of min(in, out) eigenvalues each
    expect(report.layers.map((l: { kind: string }) => l.kind)).toEqual(["conv2d", "conv2d", "conv2d"]);
    expect(report.layers.map((l: { spectrum: { eigenvalueCount: number } }) => l.spectrum.eigenvalueCount)).toEqual([
      81 * 3,
      25 * 32,
      25 * 3,
    ]);
    const ref = numpyFirstLayer();
    const first = report.layers[0].spectrum;
    expect(first.lambdaMax).toBeCloseTo(ref.lambdaMax, 10);
    expect(first.stableRank).toBeCloseTo(ref.stableRank, 8);
    expect(report.summary.fitted).toBe(3);
    expect(JSON.parse(readFileSync(join(dir, "w", "weights.json"), "utf8")).summary).toEqual(report.summary);
    expect(readFileSync(join(dir, "w", "esd.svg"), "utf8")).toMatch(/^<svg/);
  });

  it("exits 2 with one line for a missing folder or weights that do not add up", async () => {
    const missing = await runMain(["weights", "diagnose", "no-such-package"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    const broken = join(dir, "broken");
    cpSync(srcnn, broken, { recursive: true });
    truncateSync(join(broken, "weights.bin"), 1000);
    const cut = await runMain(["weights", "diagnose", broken], dir);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(
      /^fieldbench: .*model\.json: the weight files hold 1000 bytes but the manifest declares \d+\n$/,
    );
  });
});
