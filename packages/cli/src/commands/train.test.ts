import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withoutVulkanDrivers } from "../no-gpu.js";
import { runMain } from "../testing.js";

const SRCNN_ON_MINI = ["train", "srcnn", "--dataset", "nskt_mini", "--task", "bicubic-x8"];

/** SRCNN on the embedded sample with 32² crops into `out`, JSON outcome, no progress; `extra` says how long. */
const trainSmall = (out: string, extra: string[]) =>
  runMain([...SRCNN_ON_MINI, "--crop", "32", "--out", out, "--json", "--quiet", ...extra]);

describe("fieldbench train", () => {
  it("trains SRCNN for one epoch on the embedded dataset and reports the package", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "fb-train-cli-")), "srcnn");
    const r = await trainSmall(out, ["--epochs", "1", "--batch", "8", "--limit", "1"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const outcome = JSON.parse(r.stdout) as { packageDir: string; bestEpoch: number; bestValidLoss: number };
    expect(outcome.packageDir).toBe(out);
    expect(outcome.bestEpoch).toBe(0);
    expect(outcome.bestValidLoss).toBeGreaterThan(0);
    // No --lr: SuperBench's rate for SRCNN (eval.sh: 0.001), from the net's descriptor, as the card records it.
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/\| optimiser \| Adam \(FlatAdam\), learning rate 0\.001,/);
    expect(JSON.parse(readFileSync(join(out, "package.json"), "utf8")).name).toBe(
      "@fieldbench-models/srcnn-nskt_mini-bicubic-x8",
    );
  });

  it.each([
    [
      ["train", "resnet", "--dataset", "nskt_mini", "--task", "bicubic-x8"],
      /cannot train "resnet" \(trainable: srcnn, subpixel, edsr, wdsr, fno\)/,
    ],
    [
      ["train", "edsr", "--dataset", "nskt_mini", "--task", "bicubic-x8", "--backend", "cuda"],
      /unknown backend "cuda" \(known: webgpu, wasm, cpu, tensorflow\)/,
    ],
    [["train", "edsr", "--dataset", "nskt_mini", "--task", "bicubic-x3"], /unknown task "bicubic-x3"/],
    [
      ["train", "edsr", "--dataset", "nskt_mini", "--task", "bicubic-x8", "--epochs", "0"],
      /--epochs must be a positive integer/,
    ],
    [
      ["train", "edsr", "--dataset", "nskt_mini", "--task", "bicubic-x8", "--time-budget", "-5"],
      /--time-budget must be a positive number of seconds, got -5/,
    ],
    [
      ["train", "edsr", "--dataset", "nskt_mini", "--task", "bicubic-x8", "--crops", "0"],
      /--crops must be a positive integer/,
    ],
    [
      ["train", "srcnn", "--dataset", "nskt_mini", "--task", "bicubic-x8", "--global-skip"],
      /--global-skip is for fno only, not srcnn/,
    ],
    [
      ["train", "srcnn", "--dataset", "nskt_mini", "--task", "bicubic-x8", "--optimizer", "sgd"],
      /unknown optimizer "sgd" \(known: flat-adam, adam\)/,
    ],
  ])("exits 2 with a one-line reason for %j", async (argv, reason) => {
    const r = await runMain(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
  });

  it("--optimizer adam (tf.train.adam) reaches the validation loss of the default flat-adam from the same seed", async () => {
    const root = mkdtempSync(join(tmpdir(), "fb-train-cli-"));
    const loss = async (optimizer: string) => {
      const r = await trainSmall(join(root, optimizer), [
        "--epochs",
        "2",
        "--batch",
        "8",
        "--limit",
        "1",
        "--optimizer",
        optimizer,
      ]);
      expect(r.code).toBe(0);
      // The package's card names the implementation that trained it.
      const name = optimizer === "adam" ? "tf.train.adam" : "FlatAdam";
      expect(readFileSync(join(root, optimizer, "README.md"), "utf8")).toContain(`| optimiser | Adam (${name}),`);
      return (JSON.parse(r.stdout) as { bestValidLoss: number }).bestValidLoss;
    };
    const [flat, adam] = [await loss("flat-adam"), await loss("adam")];
    // FlatAdam does tf.train.adam's arithmetic element by element; two epochs of a different update rule (or none)
    // would move the loss far more than float rounding.
    expect(Math.abs(flat - adam) / adam).toBeLessThan(1e-4);
  });

  it("with --time-budget stops after the first epoch of many, and --cache/--crops train the same way", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "fb-train-cli-")), "srcnn");
    const r = await trainSmall(out, [
      "--epochs",
      "50",
      "--time-budget",
      "0.001",
      "--crops",
      "2",
      "--cache",
      "--batch",
      "4",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const state = JSON.parse(readFileSync(join(out, "checkpoints", "state.json"), "utf8")) as { epochsDone: number };
    expect(state.epochsDone).toBe(1);
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/1 of 50 epochs \(time budget 0\.001 s\)/);
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/32² HR, 2 per snapshot per epoch/);
  });

  it("names what to do instead when WebGPU has no adapter (made here: no Vulkan driver)", async () => {
    const r = await withoutVulkanDrivers(() => runMain([...SRCNN_ON_MINI, "--backend", "webgpu", "--epochs", "1"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /fieldbench: (no WebGPU adapter on this machine .*use --backend wasm|the webgpu package \(Dawn\) did not load .*use --backend wasm)/,
    );
  });
});
