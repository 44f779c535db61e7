import { createRng } from "@fieldbench/core";
import { createModel } from "@fieldbench/models";
import { describe, expect, it } from "vitest";
import { predictTiled, tileStarts } from "./tiling.js";

describe("tiled inference", () => {
  it("places tiles with the overlap and aligns the last one to the edge", () => {
    // size 16, overlap 4 -> step 12: 0, 12, 24, then 40 - 16 = 24 is already reached? 24 + 16 = 40 = extent: stop.
    expect(tileStarts(40, 16, 4)).toEqual([0, 12, 24]);
    expect(tileStarts(41, 16, 4)).toEqual([0, 12, 24, 25]);
    expect(tileStarts(10, 16, 4)).toEqual([0]);
  });

  it("blends to the whole-field prediction for a pointwise model (nearest), any tiling", async () => {
    const rng = createRng(3);
    const shape = [2, 37, 29] as const;
    const lr = Float32Array.from({ length: 2 * 37 * 29 }, () => rng.normal());
    const model = await createModel("nearest");
    const whole = await model.predict(lr, [1, ...shape], { scale: 4 });
    const tiled = await predictTiled(model, lr, shape, 4, { size: 12, overlap: 3 }, 5);
    expect(tiled.length).toBe(whole.length);
    let maxDiff = 0;
    for (let i = 0; i < whole.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tiled[i]! - whole[i]!));
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it("keeps a bicubic prediction within the tile-border effect, exact where tiles do not meet", async () => {
    // Constant field: every kernel reproduces constants, so blending must return the constant exactly.
    const model = await createModel("bicubic");
    const lr = new Float32Array(3 * 20 * 20).fill(1.5);
    const tiled = await predictTiled(model, lr, [3, 20, 20], 8, { size: 8, overlap: 2 });
    expect(tiled.every((v) => Math.abs(v - 1.5) < 1e-6)).toBe(true);
  });
});
