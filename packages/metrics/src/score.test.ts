import { describe, expect, it } from "vitest";
import { metricNames } from "./registry.js";
import { scoreSnapshot } from "./score.js";

describe("scoreSnapshot arguments", () => {
  it("lists every docs/superbench.md metric name", () => {
    const design =
      "mse mae rmse rfne in_abs in_rel psnr ssim psnr_range ms_ssim div_mse div_mse_truth vort_rfne ke_rel enstrophy_rel spectrum_lsd spectrum_lsd_low spectrum_lsd_mid spectrum_lsd_high lat_rmse acc";
    for (const name of design.split(" ")) expect(metricNames()).toContain(name);
  });

  it("refuses unknown metrics (listing the known ones), mismatched lengths and missing data ranges", async () => {
    const a = new Float32Array(8);
    await expect(scoreSnapshot(a, a, [2, 2, 2], { metrics: ["nope"] })).rejects.toThrow(
      /unknown metric nope \(known: rfne, mse, mae/,
    );
    await expect(scoreSnapshot(a, new Float32Array(7), [2, 2, 2], { metrics: ["mse"] })).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
    });
    await expect(scoreSnapshot(a, a, [2, 2, 2], { metrics: ["ms_ssim"] })).rejects.toThrow(/data range/);
    await expect(
      scoreSnapshot(a, a, [2, 2, 2], { metrics: ["mse"], normalization: { mean: [0], std: [1] } }),
    ).rejects.toMatchObject({ code: "SHAPE_MISMATCH" });
    await expect(
      scoreSnapshot(new Float32Array(4), new Float32Array(4), [1, 2, 2], { metrics: ["div_mse"] }),
    ).rejects.toThrow(/channels 0 and 1/);
  });
});
