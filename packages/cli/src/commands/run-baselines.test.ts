import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResult } from "@fieldbench/leaderboard";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const tmp = mkdtempSync(join(tmpdir(), "run-baselines-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The learned baselines committed under models/ (trained on the GPU machine, results in
 * results/nskt_re16000_webgpu/) run by registry name on the embedded sample, on the CPU (wasm backend).
 */
describe("fieldbench run superbench --model <learned baseline>", () => {
  for (const net of ["srcnn", "subpixel", "edsr", "wdsr", "fno"])
    for (const task of ["bicubic-x8", "bicubic-x16"]) {
      it(`runs ${net} for ${task} from its committed package`, async () => {
        const out = join(tmp, `${net}.${task}.json`);
        const r = await runMain(["run", "superbench", "--model", net, "--task", task, "--quiet", "--out", out], tmp);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        const result = JSON.parse(readFileSync(out, "utf8"));
        expect(parseResult(result).ok).toBe(true);
        expect(result.model.name).toBe(`@fieldbench-models/${net}-nskt_16k-${task}`);
        // The package's weights are what was scored: integrity is the committed weights' sha256.
        const pkg = JSON.parse(
          readFileSync(join(__dirname, "../../../../models", `${net}-nskt-x${task.slice(9)}`, "package.json"), "utf8"),
        );
        expect(result.model.integrity).toBe(`sha256-${pkg.fieldbench.weightsSha256}`);
        for (const split of ["test_1", "test_2"]) {
          const rfne = result.splits[split].metrics.rfne;
          expect(rfne).toBeGreaterThan(0);
          expect(rfne).toBeLessThan(2);
        }
      }, 120_000);
    }

  it("names what to do when no package ships for the scale (UNKNOWN_MODEL, which the CLI exits 2 on)", async () => {
    // No baseline ships for x4 (SuperBench's LR-sim task); every embedded task is x8 or x16, hence the library call.
    const { createModel } = await import("@fieldbench/models");
    const failure = await createModel("fno", { scale: 4, channels: 3 }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: "UNKNOWN_MODEL" });
    expect((failure as Error).message).toMatch(
      /^no trained fno for x4 in .*models\/fno-nskt-x4: train one with `fieldbench train fno[^\n]*$/,
    );
  });
});

/**
 * The committed scores behind issue 8's claim, read as data: each shipped package's result file on the GPU-generated
 * Re 16000 set was made with exactly the committed weights, and beats bicubic's result file on RFNE on both splits.
 */
describe("committed results of the shipped baselines (results/nskt_re16000_webgpu)", () => {
  const repo = join(__dirname, "../../../..");
  const read = (path: string) => JSON.parse(readFileSync(join(repo, path), "utf8"));
  for (const net of ["srcnn", "subpixel", "edsr", "wdsr", "fno"])
    for (const scale of [8, 16]) {
      it(`${net} x${scale}: a valid result of the committed weights, below bicubic's RFNE on test_1 and test_2`, () => {
        const result = read(`results/nskt_re16000_webgpu/bicubic-x${scale}.${net}.json`);
        const bicubic = read(`results/nskt_re16000_webgpu/bicubic-x${scale}.bicubic.json`);
        const pkg = read(`models/${net}-nskt-x${scale}/package.json`);
        expect(parseResult(result).ok).toBe(true);
        expect(result.task.name).toBe(`bicubic-x${scale}`);
        expect(result.model.integrity).toBe(`sha256-${pkg.fieldbench.weightsSha256}`);
        for (const split of ["test_1", "test_2"])
          expect(result.splits[split].metrics.rfne).toBeLessThan(bicubic.splits[split].metrics.rfne);
      });
    }
});
