import { describe, expect, it } from "vitest";
import { interpolate } from "./interpolation.js";
import { createModel, modelNames } from "./registry.js";

describe("interpolation baselines", () => {
  it("nearest repeats each LR pixel s times (pixel centres)", () => {
    const out = interpolate("nearest", Float32Array.from([1, 2]), [1, 1, 1, 2], 2);
    // rows: the single LR row twice; columns: 1 1 2 2
    expect(Array.from(out)).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });

  it("bilinear uses pixel centres with a clamped border", () => {
    const out = interpolate("bilinear", Float32Array.from([0, 4]), [1, 1, 1, 2], 2);
    // src x = (o + 0.5)/2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (index 2 clamped to 1):
    // 0, 0.75*0 + 0.25*4 = 1, 0.25*0 + 0.75*4 = 3, 4
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 1, 3, 4]);
  });

  it("bicubic at a half-pixel offset uses the A = -0.75 weights worked by hand", () => {
    // x2 upsampling of a 1-D impulse: output o = 4 has src x = 4.5/2 - 0.5 = 1.75, o = 5 has x = 2.25.
    // At t = 0.5 (o = 3 -> x = 1.25? no: (3.5)/2 - 0.5 = 1.25, t = 0.25). Use x2 on 8 samples, o = 5: x = 2.25,
    // taps 1..4 with t = 0.25: K(1.25), K(0.25), K(0.75), K(1.75) with K the A=-0.75 kernel:
    // K(0.25) = 1.25*0.015625 - 2.25*0.0625 + 1 = 0.87890625; K(0.75) = 1.25*0.421875 - 2.25*0.5625 + 1 = 0.26171875
    // K(1.25) = -0.75*(1.953125 - 7.8125 + 10 - 4) = -0.10546875; K(1.75) = -0.75*(5.359375 - 15.3125 + 14 - 4) = -0.03515625
    const impulse = new Float32Array(8);
    impulse[3] = 1; // tap 3 is the third of taps 1..4 -> weight K(0.75)
    const out = interpolate("bicubic", impulse, [1, 1, 1, 8], 2);
    expect(out[5]).toBeCloseTo(0.26171875, 7);
    impulse.fill(0);
    impulse[4] = 1; // fourth tap -> K(1.75)
    expect(interpolate("bicubic", impulse, [1, 1, 1, 8], 2)[5]).toBeCloseTo(-0.03515625, 7);
  });

  it("bicubic-superbench puts LR k on HR k(N-1)/(n-1) (align_corners=True)", () => {
    // Independent float64 statement of PyTorch's upsample_bicubic2d with align_corners=True, 1-D.
    const cubic = (x: number) => {
      const A = -0.75;
      const t = Math.abs(x);
      return t <= 1
        ? (A + 2) * t ** 3 - (A + 3) * t ** 2 + 1
        : t < 2
          ? A * t ** 3 - 5 * A * t ** 2 + 8 * A * t - 4 * A
          : 0;
    };
    const reference = (f: Float32Array, N: number): number[] =>
      Array.from({ length: N }, (_, o) => {
        const x = (o * (f.length - 1)) / (N - 1);
        const x0 = Math.floor(x);
        let sum = 0;
        for (let k = -1; k <= 2; k++) sum += f[Math.min(Math.max(x0 + k, 0), f.length - 1)]! * cubic(x - (x0 + k));
        return sum;
      });
    const n = 16;
    const f = Float32Array.from({ length: n }, (_, k) => Math.sin(k * 0.7) + 0.1 * k);
    const out = interpolate("bicubic-superbench", f, [1, 1, 1, n], 8);
    const ref = reference(f, 128);
    for (let o = 0; o < 128; o++) expect(out[o]).toBeCloseTo(ref[o]!, 5);
    // The corners coincide: HR 0 is LR 0 and HR 127 is LR 15 (the pixel-centre convention would put them 3.5 px in).
    expect(out[0]).toBeCloseTo(f[0]!, 6);
    expect(out[127]).toBeCloseTo(f[15]!, 6);
  });

  it("the registry builds every baseline and refuses an unknown name", async () => {
    expect(modelNames()).toEqual(expect.arrayContaining(["nearest", "bilinear", "bicubic", "bicubic-superbench"]));
    const model = await createModel("bicubic");
    expect(model.parameters).toBe(0);
    const out = await model.predict(new Float32Array(2 * 3 * 4 * 4).fill(2), [2, 3, 4, 4], { scale: 4 });
    expect(out.length).toBe(2 * 3 * 16 * 16);
    expect(out.every((v) => Math.abs(v - 2) < 1e-6)).toBe(true);
    await expect(createModel("nope")).rejects.toMatchObject({ code: "UNKNOWN_MODEL" });
  });
});
