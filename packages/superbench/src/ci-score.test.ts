import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SuperbenchResult } from "@fieldbench/leaderboard";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ciScore } from "./ci-score.js";
import { runSuperbench } from "./run.js";

const examples = new URL("../../../examples/model-packages/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "fieldbench-ci-score-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Claims for the JS example made by an ordinary (unsandboxed) run of the bicubic baseline it wraps. */
let honest: SuperbenchResult;
beforeAll(async () => {
  const run = await runSuperbench({ out: join(dir, "bicubic.json"), model: "bicubic", progressMode: "quiet" });
  honest = { ...run.result, model: { ...run.result.model, name: "fieldbench-example-js-bicubic", version: "1.0.0" } };
}, 60_000);

function writeClaims(name: string, result: SuperbenchResult): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(result));
  return path;
}

/** Every claimed value 5% better than measured: errors 5% lower, psnr/ssim-like scores 5% higher. */
function fivePercentBetter(result: SuperbenchResult): SuperbenchResult {
  const higher = new Set(["psnr", "psnr_range", "ssim", "ms_ssim"]);
  const better = (r: Record<string, number | null>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? v : v * (higher.has(k) ? 1.05 : 0.95)]));
  const split = (s: SuperbenchResult["splits"]["test_1"]) => ({
    ...s,
    metrics: better(s.metrics),
    perChannel: s.perChannel.map(better),
  });
  return { ...result, splits: { test_1: split(result.splits.test_1), test_2: split(result.splits.test_2) } };
}

describe("ciScore", () => {
  it("accepts an honest JS package whose claims an ordinary run made (reproduced to the last bit)", async () => {
    const outcome = await ciScore(join(examples, "js-bicubic"), { claims: writeClaims("honest.json", honest) });
    expect(outcome.reasons).toEqual([]);
    expect(outcome.accepted).toBe(true);
    expect(outcome.diffs?.every((d) => d.ok)).toBe(true);
    expect(outcome.result.splits.test_1.metrics).toEqual(honest.splits.test_1.metrics);
    expect(outcome.result.splits.test_2.perChannel).toEqual(honest.splits.test_2.perChannel);
  }, 30_000);

  it("rejects the same package claiming numbers 5% better than it scores, with a per-metric diff", async () => {
    const outcome = await ciScore(join(examples, "js-bicubic"), {
      claims: writeClaims("inflated.json", fivePercentBetter(honest)),
    });
    expect(outcome.accepted).toBe(false);
    const rfne = outcome.diffs?.find((d) => d.split === "test_1" && d.metric === "rfne");
    // bicubic's test_1 rfne is 0.52992 (tools/fixtures/nskt-mini-bicubic-rfne.py); the claim is 0.95 of it: 0.50342.
    expect(rfne).toMatchObject({ ok: false });
    expect(rfne?.claimed).toBeCloseTo(0.5034, 4);
    expect(rfne?.scored).toBeCloseTo(0.5299, 4);
    expect(outcome.reasons.join()).toMatch(/claimed values not reproduced/);
  }, 30_000);

  it("rejects claims made for another model name", async () => {
    const other = { ...honest, model: { ...honest.model, name: "someone-else" } };
    const outcome = await ciScore(join(examples, "js-bicubic"), { claims: writeClaims("other.json", other) });
    expect(outcome.accepted).toBe(false);
    expect(outcome.reasons[0]).toMatch(/^model: claimed \["someone-else","1.0.0"\]/);
  }, 30_000);

  it("stops a package that reads the ground truth and reports the file", async () => {
    await expect(ciScore(join(examples, "hostile-read-truth"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(
        /stopped by the sandbox \(access denied\).*FileSystemRead .*datasets\/embedded\/nskt_mini\/test_1\/nskt_mini\.h5/,
      ),
    });
  });

  it("stops a package that writes outside its folder, and nothing is written", async () => {
    await expect(ciScore(join(examples, "hostile-write-outside"))).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/FileSystemWrite .*planted-by-hostile-package\.txt/),
    });
    expect(existsSync(join(examples, "planted-by-hostile-package.txt"))).toBe(false);
  });

  it("kills a package that loops forever at the time limit", async () => {
    const t0 = Date.now();
    await expect(ciScore(join(examples, "hostile-loop-forever"), { timeoutMs: 3000 })).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/did not finish within 3 s and was killed/),
    });
    expect(Date.now() - t0).toBeLessThan(15_000);
  }, 20_000);

  it("kills a package that allocates beyond the memory limit", async () => {
    const pkg = join(dir, "hog");
    mkdirSync(pkg);
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "hog", version: "1.0.0", type: "module", fieldbench: { kind: "js", entry: "i.mjs" } }),
    );
    // Holds on to 64 MiB typed arrays until the limit stops it.
    writeFileSync(
      join(pkg, "i.mjs"),
      "const hold = []; export function createModel() { for (;;) hold.push(new Float64Array(8 << 20).fill(1)); }\n",
    );
    await expect(ciScore(pkg, { memoryMb: 256, timeoutMs: 20_000 })).rejects.toMatchObject({
      code: "BAD_PACKAGE",
      message: expect.stringMatching(/more than 256 MiB|out of its memory limit/),
    });
  }, 30_000);

  it("accepts the ONNX example against claims from `run superbench --model DIR` (same interpolation as bicubic)", async () => {
    const pkg = join(examples, "onnx-cubic");
    const run = await runSuperbench({ out: join(dir, "onnx.json"), model: pkg, progressMode: "quiet" });
    expect(run.result.model).toMatchObject({ name: "fieldbench-example-onnx-cubic", version: "1.0.0" });
    // Resize(cubic, a = -0.75, half-pixel) is the interpolation fieldbench's bicubic uses: equal to float32 rounding.
    expect(run.result.splits.test_1.metrics.rfne).toBeCloseTo(honest.splits.test_1.metrics.rfne as number, 6);
    const outcome = await ciScore(pkg, { claims: join(dir, "onnx.json") });
    expect(outcome.reasons).toEqual([]);
    expect(outcome.accepted).toBe(true);
    expect(outcome.result.model.integrity).toMatch(/^sha256-[0-9a-f]{64}$/);
  }, 30_000);

  it("accepts the JS example against claims from `run superbench --model DIR`, identity included", async () => {
    const pkg = join(examples, "js-bicubic");
    await runSuperbench({ out: join(dir, "js.json"), model: pkg, progressMode: "quiet" });
    const outcome = await ciScore(pkg, { claims: join(dir, "js.json") });
    expect(outcome.accepted).toBe(true);
  }, 30_000);

  it("refuses a directory that is not a model package", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(join(empty, "package.json"), JSON.stringify({ name: "x", version: "1.0.0" }));
    await expect(ciScore(empty)).rejects.toMatchObject({ code: "BAD_PACKAGE", message: /no "fieldbench" field/ });
    await expect(ciScore(join(dir, "missing"))).rejects.toMatchObject({ code: "BAD_PACKAGE" });
  });
});
