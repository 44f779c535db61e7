import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createModel } from "@fieldbench/models";
import { getDataset } from "./datasets.js";
import { openSplit } from "./reader.js";
import { embeddedDataRoot } from "./run.js";
import { resolveTask } from "./tasks.js";
import { cropBatches, cropField, trainBaseline } from "./training.js";

const spec = getDataset("nskt_mini");
const task = resolveTask("bicubic-x8", spec);
const root = embeddedDataRoot("nskt_mini");

describe("training crops", () => {
  it("cuts a [C, size, size] window at (y0, x0)", () => {
    // 1 channel, 3x4 field with values 0..11; the 2x2 window at (1, 2) holds 6, 7, 10, 11.
    const field = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(cropField(field, [1, 3, 4], 1, 2, 2))).toEqual([6, 7, 10, 11]);
  });

  it("yields 8 crops per snapshot as [N, C, 16, 16] LR / 128² HR batches, reproducible from the seed", async () => {
    const collect = async (seed: number) => {
      const out = [];
      for await (const b of cropBatches({
        root,
        spec,
        task,
        splits: ["train"],
        cropSize: 128,
        cropsPerSnapshot: 8,
        batchSize: 3,
        seed,
      }))
        out.push(b);
      return out;
    };
    const a = await collect(1);
    const b = await collect(1);
    const c = await collect(2);
    expect(a.map((x) => x.lrShape)).toEqual([
      [3, 3, 16, 16],
      [3, 3, 16, 16],
      [2, 3, 16, 16],
    ]);
    expect(a[0]?.hr.length).toBe(3 * 3 * 128 * 128);
    expect(Array.from(a[1]?.hr ?? [])).toEqual(Array.from(b[1]?.hr ?? []));
    expect(Array.from(a[1]?.hr ?? [])).not.toEqual(Array.from(c[1]?.hr ?? []));
  });

  it("with a snapshot cache yields the same crops, and a second pass reads nothing new", async () => {
    const collect = async (cache?: Map<string, Float32Array>) => {
      const out: Float32Array[] = [];
      const options = {
        root,
        spec,
        task,
        splits: ["train"] as const,
        cropSize: 64,
        cropsPerSnapshot: 2,
        batchSize: 4,
        seed: 9,
      };
      for await (const b of cropBatches({ ...options, splits: [...options.splits], ...(cache ? { cache } : {}) }))
        out.push(b.hr, b.lr);
      return out;
    };
    const cache = new Map<string, Float32Array>();
    const plain = await collect();
    const first = await collect(cache);
    const filled = [...cache.keys()];
    const second = await collect(cache);
    expect(first.map((a) => Array.from(a))).toEqual(plain.map((a) => Array.from(a)));
    expect(second.map((a) => Array.from(a))).toEqual(plain.map((a) => Array.from(a)));
    // One HR entry per training snapshot of the embedded set (no LR-sim for a bicubic task).
    expect(filled.every((k) => /^train\/\d+\/hr$/.test(k))).toBe(true);
    expect([...cache.keys()]).toEqual(filled);
    const reader = await openSplit(root, "train", spec);
    expect(filled).toHaveLength(reader.length);
    await reader.close();
  });
});

describe("trainBaseline", () => {
  it("writes a loadable model package, keeps the best epoch and resumes after the last finished one", async () => {
    const out = mkdtempSync(join(tmpdir(), "fb-train-"));
    const common = {
      dataRoot: root,
      spec,
      task,
      net: "srcnn" as const,
      backend: "wasm" as const,
      batchSize: 8,
      learningRate: 1e-3,
      seed: 3,
      out,
      cropSize: 32,
    };
    const first = await trainBaseline({ ...common, epochs: 1 });
    expect(first.bestEpoch).toBe(0);
    const second = await trainBaseline({ ...common, epochs: 2, resume: true });
    const state = JSON.parse(readFileSync(join(out, "checkpoints", "state.json"), "utf8")) as {
      epochsDone: number;
      history: unknown[];
    };
    expect(state.epochsDone).toBe(2);
    expect(state.history).toHaveLength(2);
    expect(second.bestValidLoss).toBeLessThanOrEqual(first.bestValidLoss);
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as {
      fieldbench: { kind: string; net: string; scale: number };
    };
    expect(pkg.fieldbench).toMatchObject({ kind: "tfjs", net: "srcnn", scale: 8 });
    const model = await createModel(out, { scale: 8, channels: 3 });
    expect(model.parameters).toBe(69_251);
    const lr = new Float32Array(1 * 3 * 8 * 8).fill(0.1);
    const hr = await model.predict(lr, [1, 3, 8, 8], { scale: 8 });
    expect(hr.length).toBe(3 * 64 * 64);
    expect(hr.every(Number.isFinite)).toBe(true);

    // The default weight choice measured both dtypes on the validation crops and applied the 1e-4 rule.
    const log = JSON.parse(readFileSync(join(out, "training-log.json"), "utf8")) as {
      weights: { dtype: string; validationRfne: { float32: number; float16: number } };
    };
    const { float32, float16 } = log.weights.validationRfne;
    expect(float32).toBeGreaterThan(0);
    expect(float16).not.toBe(float32);
    const keepsHalf = Math.abs(float16 - float32) < 1e-4 * float32;
    expect(log.weights.dtype).toBe(keepsHalf ? "float16" : "float32");
    expect(statSync(join(out, "weights.bin")).size).toBe(69_251 * (keepsHalf ? 2 : 4));
  });

  it("stores float16 weights when asked: half the bytes, and the package still loads and predicts", async () => {
    const out = mkdtempSync(join(tmpdir(), "fb-train-f16-"));
    await trainBaseline({
      dataRoot: root,
      spec,
      task,
      net: "srcnn",
      backend: "wasm",
      batchSize: 8,
      learningRate: 1e-3,
      seed: 3,
      out,
      cropSize: 32,
      limit: 1,
      validationLimit: 1,
      epochs: 1,
      weightDtype: "float16",
    });
    expect(statSync(join(out, "weights.bin")).size).toBe(69_251 * 2);
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/float16 \(chosen by the trainer's caller\)/);
    const model = await createModel(out, { scale: 8, channels: 3 });
    const hr = await model.predict(new Float32Array(3 * 8 * 8).fill(0.1), [1, 3, 8, 8], { scale: 8 });
    expect(hr.every(Number.isFinite)).toBe(true);
  });

  /** One epoch of FNO on one 32² crop of one snapshot (wasm): enough to write a package; returns its folder. */
  async function trainTinyFno(prefix: string, extra: { globalSkip?: boolean } = {}): Promise<string> {
    const out = mkdtempSync(join(tmpdir(), prefix));
    await trainBaseline({
      dataRoot: root,
      spec,
      task,
      net: "fno",
      ...extra,
      backend: "wasm",
      batchSize: 4,
      learningRate: 1e-3,
      seed: 3,
      out,
      cropSize: 32,
      cropsPerSnapshot: 1,
      limit: 1,
      validationLimit: 1,
      epochs: 1,
      // The weight-dtype choice is covered on SRCNN above; measuring it here would load FNO's 38 MB twice more.
      weightDtype: "float32",
    });
    return out;
  }

  it("records FNO's tile as its training crop's LR extent (its modes are fractions of the input's extent)", async () => {
    const out = await trainTinyFno("fb-train-fno-");
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as { fieldbench: { tile?: unknown } };
    // 32² HR crops at x8 are 4² LR; a quarter of that overlaps.
    expect(pkg.fieldbench.tile).toEqual({ size: 4, overlap: 1 });
    const model = await createModel(out, { scale: 8, channels: 3 });
    // and, being an FNO, it runs on tiles of exactly that extent
    expect(model.tile).toEqual({ size: 4, overlap: 1, fixedExtent: true });
  }, 120_000);

  it("records an FNO trained with a global skip in its package, card and saved topology", async () => {
    const out = await trainTinyFno("fb-train-fno-skip-", { globalSkip: true });
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as { fieldbench: { globalSkip?: boolean } };
    expect(pkg.fieldbench.globalSkip).toBe(true);
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/global skip: output = bicubic pre-upsampled input/);
    // The skip is in the saved topology: the output layer adds the projection and the model's input.
    const topology = JSON.parse(readFileSync(join(out, "model.json"), "utf8")).modelTopology.config;
    const outputName = topology.output_layers[0][0];
    const output = topology.layers.find((l: { name: string }) => l.name === outputName);
    expect(output.class_name).toBe("Add");
    expect(output.inbound_nodes[0].map((n: unknown[]) => n[0])).toContain(topology.input_layers[0][0]);
  }, 120_000);
});
