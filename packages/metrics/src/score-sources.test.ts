import { describe, expect, it } from "vitest";
import { applicableMetrics, scoreSources, type SnapshotSource } from "./score-sources.js";

const source = (name: string, shape: number[], fill: (n: number, i: number) => number): SnapshotSource => ({
  name,
  shape,
  readSnapshot: async (n) => {
    const size = shape.slice(-3).reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: size }, (_, i) => fill(n, i));
  },
});

describe("scoreSources", () => {
  it("streams [N, C, H, W] and averages over (snapshot, channel)", async () => {
    // snapshot n: truth = 1 everywhere, pred = 1 + (n + 1) * 0.5 -> mse_n = ((n + 1) / 2)^2: 0.25, 1 -> mean 0.625
    const truth = source("t", [2, 1, 4, 4], () => 1);
    const pred = source("p", [2, 1, 4, 4], (n) => 1 + (n + 1) * 0.5);
    const seen: number[] = [];
    const r = await scoreSources(pred, truth, { metrics: ["mse"], onSnapshot: (done) => seen.push(done) });
    expect(r.metrics.mse).toBeCloseTo(0.625, 12);
    expect(r.snapshots).toBe(2);
    expect(seen).toEqual([1, 2]);
  });

  it("refuses different shapes and ranks other than 3 or 4", async () => {
    await expect(
      scoreSources(
        source("p", [1, 4, 4], () => 0),
        source("t", [1, 4, 5], () => 0),
        {},
      ),
    ).rejects.toThrow(/prediction p has shape \[1, 4, 4\], truth t has \[1, 4, 5\]/);
    await expect(
      scoreSources(
        source("p", [4, 4], () => 0),
        source("t", [4, 4], () => 0),
        {},
      ),
    ).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
    });
  });

  it("the default metric set follows the options: data range, u/v channels, latitudes", () => {
    const one = applicableMetrics({}, [1, 64, 64]);
    expect(one).toContain("ssim");
    expect(one).not.toContain("ms_ssim");
    expect(one).not.toContain("div_mse");
    expect(one).not.toContain("lat_rmse");
    const three = applicableMetrics({ dataRange: 4, latitudes: new Float64Array(64) }, [3, 64, 64]);
    expect(three).toEqual(expect.arrayContaining(["ms_ssim", "psnr_range", "div_mse", "spectrum_lsd", "lat_rmse"]));
    expect(three).not.toContain("acc");
    // ERA5 as stored (721 rows) is no PFFFT size: the spectra drop out of the default set instead of failing.
    const era5 = applicableMetrics({}, [3, 721, 1440]);
    expect(era5).not.toContain("spectrum_lsd");
    expect(era5).toContain("div_mse");
  });
});
