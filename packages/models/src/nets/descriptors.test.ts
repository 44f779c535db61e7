import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { modelNames } from "../registry.js";
import { NET_DESCRIPTORS, NET_NAMES, baselineFolder, getNet, netPackageName } from "./descriptors.js";
import { NETS } from "./nets.js";

const repo = join(__dirname, "../../../..");

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("net descriptors", () => {
  it("carry SuperBench's learning rates (eval.sh on NSKT bicubic: WDSR 2e-4, the others 1e-3)", () => {
    expect(Object.fromEntries(NET_NAMES.map((n) => [n, NET_DESCRIPTORS[n].learningRate]))).toEqual({
      srcnn: 1e-3,
      subpixel: 1e-3,
      edsr: 1e-3,
      wdsr: 2e-4,
      fno: 1e-3,
    });
    expect(() => getNet("resnet")).toThrow(/cannot train "resnet" \(trainable: srcnn, subpixel, edsr, wdsr, fno\)/);
  });

  it("every net is a learned baseline of the model registry and has a graph", () => {
    for (const name of NET_NAMES) {
      expect(modelNames()).toContain(name);
      expect(NETS[name].info.learningRate).toBe(NET_DESCRIPTORS[name].learningRate);
    }
  });

  it("preUpsampled says what the built graph does: HR in and out, or LR in and HR out", () => {
    const [h, w, channels, scale] = [4, 4, 3, 8];
    for (const name of NET_NAMES) {
      const pre = NET_DESCRIPTORS[name].preUpsampled;
      const model = NETS[name].build({ channels, scale });
      const inSize = pre ? h * scale : h;
      const out = model.predict(tf.zeros([1, inSize, pre ? w * scale : w, channels])) as tf.Tensor;
      expect(out.shape, name).toEqual([1, h * scale, w * scale, channels]);
      out.dispose();
      model.dispose();
    }
  }, 60_000);

  it("names packages and tiles as the committed baselines under models/ do", () => {
    for (const name of NET_NAMES)
      for (const scale of [8, 16]) {
        const dir = join(repo, "models", baselineFolder(name, scale));
        expect(existsSync(join(dir, "package.json")), dir).toBe(true);
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        expect(pkg.name).toBe(netPackageName(name, "nskt_16k", `bicubic-x${scale}`));
        // FNO's packages record the tile of their 128² training crops (written by training on the GPU).
        if (NET_DESCRIPTORS[name].recordsTile === true) {
          expect(pkg.fieldbench.tile).toEqual(NET_DESCRIPTORS[name].tile(scale, 128));
        } else expect(pkg.fieldbench.tile).toBeUndefined();
      }
  });
});
