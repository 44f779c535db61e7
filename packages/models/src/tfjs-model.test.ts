import type * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "./backends/select.js";
import { defaultTfjsTile } from "./model-package.js";
import { NETS } from "./nets/nets.js";
import { MAX_HR_PIXELS_PER_PASS, tilesPerPass, wrapLayersModel } from "./tfjs-model.js";
import { withSeededRandom } from "./train.js";

beforeAll(async () => {
  await useBackend("wasm");
});

describe("forward passes bounded in HR pixels", () => {
  it("fits whole tiles under the training batch's 32 x 128² pixels, never fewer than one", () => {
    expect(MAX_HR_PIXELS_PER_PASS).toBe(524_288);
    expect(tilesPerPass(128 * 128)).toBe(32);
    expect(tilesPerPass(512 * 512)).toBe(2); // x8, 64² LR tiles
    expect(tilesPerPass(1024 * 1024)).toBe(1); // x16, 64² LR tiles: one is already over
  });

  it("splits 3 tiles of 512² HR into passes of 2 and 1 that give what one tile at a time gives", async () => {
    const config = { net: "subpixel" as const, channels: 1, scale: 8, normalization: { mean: [0.5], std: [2] } };
    const layers = withSeededRandom(11, () => NETS.subpixel.build({ channels: 1, scale: 8 }));
    const passes: number[] = [];
    const predict = layers.predict.bind(layers);
    layers.predict = ((x: tf.Tensor, args?: object) => {
      passes.push(x.shape[0] as number);
      return predict(x, args);
    }) as typeof layers.predict;
    const model = wrapLayersModel(layers, config, { name: "t", version: "0", integrity: "x" });
    const lr = Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.37) + 0.01 * (i % 7));
    const together = await model.predict(lr, [3, 1, 64, 64], { scale: 8 });
    expect(passes).toEqual([2, 1]);
    const plane = 512 * 512;
    for (let t = 0; t < 3; t++) {
      const alone = await model.predict(lr.subarray(t * 4096, (t + 1) * 4096), [1, 1, 64, 64], { scale: 8 });
      let worst = 0;
      for (let i = 0; i < plane; i++)
        worst = Math.max(worst, Math.abs((together[t * plane + i] as number) - (alone[i] as number)));
      expect(worst).toBeLessThan(1e-5);
    }
    layers.dispose();
  });
});

describe("default tiles", () => {
  it("keep 512² HR a tile for conv nets at HR, 64² LR for those at LR, and FNO's training extent", () => {
    expect(defaultTfjsTile("srcnn", 8)).toEqual({ size: 64, overlap: 8 });
    expect(defaultTfjsTile("edsr", 16)).toEqual({ size: 32, overlap: 8 }); // 512 / 16
    // FNO sees the 128² HR extent it was trained on: 16² LR at x8, 8² at x16.
    expect(defaultTfjsTile("fno", 8)).toEqual({ size: 16, overlap: 4 });
    expect(defaultTfjsTile("fno", 16)).toEqual({ size: 8, overlap: 2 });
    expect(defaultTfjsTile("srcnn", 4)).toEqual({ size: 64, overlap: 8 }); // capped at 64
    expect(defaultTfjsTile("subpixel", 16)).toEqual({ size: 64, overlap: 8 });
    expect(defaultTfjsTile("wdsr", 16)).toEqual({ size: 64, overlap: 8 });
  });
});
