import { describe, expect, it } from "vitest";
import { scoreSnapshot } from "../score.js";

const PIXEL = ["mse", "mae", "rmse", "rfne", "in_abs", "in_rel", "psnr", "psnr_range"];

describe("pixel metrics, worked by hand", () => {
  it("a 1x2x2 case", async () => {
    // truth [1, 2, 3, 4], pred [1, 3, 3, 2]: diffs 0, -1, 0, 2
    // mse = (0 + 1 + 0 + 4) / 4 = 1.25; mae = 3/4; rmse = sqrt(1.25); rfne = sqrt(5) / sqrt(1+4+9+16) = sqrt(5/30)
    // in_abs = 2; in_rel = 2/4; psnr = 20 log10(4 / sqrt(1.25)); psnr_range with R = 10: 20 log10(10 / sqrt(1.25))
    const truth = Float32Array.from([1, 2, 3, 4]);
    const pred = Float32Array.from([1, 3, 3, 2]);
    const s = await scoreSnapshot(pred, truth, [1, 2, 2], { metrics: PIXEL, dataRange: 10 });
    const r = s.perChannel[0] ?? {};
    expect(r.mse).toBeCloseTo(1.25, 12);
    expect(r.mae).toBeCloseTo(0.75, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(r.rfne).toBeCloseTo(Math.sqrt(5 / 30), 12);
    expect(r.in_abs).toBe(2);
    expect(r.in_rel).toBe(0.5);
    expect(r.psnr).toBeCloseTo(20 * Math.log10(4 / Math.sqrt(1.25)), 12);
    expect(r.psnr_range).toBeCloseTo(20 * Math.log10(10 / Math.sqrt(1.25)), 12);
  });

  it("z-scores with the normalisation first", async () => {
    // mean 1, std 2: z_true = [0, 0.5, 1, 1.5], z_pred = [0, 1, 1, 0.5]; diffs 0, -0.5, 0, 1
    // mse = (0.25 + 1) / 4 = 0.3125; psnr = 20 log10(1.5 / sqrt(0.3125)); rfne = sqrt(1.25 / 3.5)
    const truth = Float32Array.from([1, 2, 3, 4]);
    const pred = Float32Array.from([1, 3, 3, 2]);
    const s = await scoreSnapshot(pred, truth, [1, 2, 2], {
      metrics: ["mse", "psnr", "rfne"],
      normalization: { mean: [1], std: [2] },
    });
    expect(s.perChannel[0]?.mse).toBeCloseTo(0.3125, 12);
    expect(s.perChannel[0]?.psnr).toBeCloseTo(20 * Math.log10(1.5 / Math.sqrt(0.3125)), 12);
    expect(s.perChannel[0]?.rfne).toBeCloseTo(Math.sqrt(1.25 / 3.5), 12);
  });

  it("a constant offset c: mse = c^2, mae = c, rfne = c / rms(truth), psnr = 20 log10(max / c)", async () => {
    const truth = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) + 2); // rms computed below by hand-sum
    const pred = truth.map((v) => v + 0.25);
    const s = await scoreSnapshot(pred, truth, [1, 8, 8], { metrics: ["mse", "mae", "rfne", "psnr"] });
    const r = s.perChannel[0] ?? {};
    let sumSq = 0;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of truth) {
      sumSq += v * v;
      max = Math.max(max, v);
    }
    // float32 rounding of truth + 0.25 moves the offset by at most 2^-23 * 3
    expect(r.mse).toBeCloseTo(0.0625, 6);
    expect(r.mae).toBeCloseTo(0.25, 6);
    expect(r.rfne).toBeCloseTo(0.25 / Math.sqrt(sumSq / 64), 6);
    expect(r.psnr).toBeCloseTo(20 * Math.log10(max / 0.25), 5);
  });

  it("psnr edge cases: NaN when max(truth) <= 0, +Infinity when mse = 0", async () => {
    const neg = Float32Array.from([-1, -2, -3, -4]);
    const a = await scoreSnapshot(
      neg.map((v) => v + 1),
      neg,
      [1, 2, 2],
      { metrics: ["psnr"] },
    );
    expect(a.perChannel[0]?.psnr).toBeNaN();
    const pos = Float32Array.from([1, 2, 3, 4]);
    const b = await scoreSnapshot(pos, pos, [1, 2, 2], { metrics: ["psnr", "mse", "rfne"] });
    expect(b.perChannel[0]?.psnr).toBe(Number.POSITIVE_INFINITY);
    expect(b.perChannel[0]?.rfne).toBe(0);
  });

  it("masks NaN truth (counted) and reports NaN/Inf predictions (metrics NaN)", async () => {
    // truth [1, NaN, 3, 4], pred [2, 9, 3, 4]: masked 1; valid diffs -1, 0, 0 -> mse = 1/3
    const truth = Float32Array.from([1, Number.NaN, 3, 4]);
    const pred = Float32Array.from([2, 9, 3, 4]);
    const a = await scoreSnapshot(pred, truth, [1, 2, 2], { metrics: ["mse"] });
    expect(a.maskedTruth).toEqual([1]);
    expect(a.invalidPrediction).toEqual([0]);
    expect(a.perChannel[0]?.mse).toBeCloseTo(1 / 3, 12);
    const bad = Float32Array.from([2, 9, Number.POSITIVE_INFINITY, 4]);
    const b = await scoreSnapshot(bad, truth, [1, 2, 2], { metrics: ["mse", "psnr", "in_abs"] });
    expect(b.invalidPrediction).toEqual([1]);
    expect(b.perChannel[0]?.mse).toBeNaN();
    expect(b.perChannel[0]?.psnr).toBeNaN();
    expect(b.perChannel[0]?.in_abs).toBeNaN();
  });
});
