import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpy } from "@fieldbench/formats";
import { afterAll, describe, expect, it } from "vitest";
import { randomField, runPython } from "../_python.js";
import { scoreSnapshot } from "../score.js";

const tmp = mkdtempSync(join(tmpdir(), "ssim-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SKIMAGE = `
import json, sys, numpy as np
from scipy.ndimage import gaussian_filter
from skimage.metrics import structural_similarity, peak_signal_noise_ratio
pred = np.load(sys.argv[1]).astype("f8"); truth = np.load(sys.argv[2]).astype("f8")
mean = json.loads(sys.argv[3]); std = json.loads(sys.argv[4]); R = float(sys.argv[5])
def ssim(x, y, L, cs_only=False):
    if not cs_only:
        _, S = structural_similarity(x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=L, full=True)
        return float(S[5:-5, 5:-5].mean())
    # MS-SSIM's contrast-structure term, written from the definition with scipy (reflect mode, truncate 3.5 = 11 taps)
    f = lambda a: gaussian_filter(a, 1.5, truncate=3.5, mode="reflect")
    mx, my = f(x), f(y)
    vx = np.maximum(f(x * x) - mx * mx, 0); vy = np.maximum(f(y * y) - my * my, 0); cxy = f(x * y) - mx * my
    C2 = (0.03 * L) ** 2
    return float(((2 * cxy + C2) / (vx + vy + C2))[5:-5, 5:-5].mean())
def pool(a):
    h, w = a.shape[0] // 2 * 2, a.shape[1] // 2 * 2
    return a[:h, :w].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
def ms_ssim(x, y, L):
    weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    value = 1.0
    for i, wt in enumerate(weights):
        term = ssim(x, y, L) if i == len(weights) - 1 else ssim(x, y, L, cs_only=True)
        value *= max(term, 0) ** wt
        x, y = pool(x), pool(y)
    return value
out = []
for c in range(pred.shape[0]):
    zp = (pred[c] - mean[c]) / std[c]; zt = (truth[c] - mean[c]) / std[c]
    L = max(zp.max() - zp.min(), zt.max() - zt.min())
    out.append({
      "ssim": ssim(zp, zt, L),
      "ssim_fixed": ssim(zp, zt, R),
      # torchmetrics 1.9: reflect-pad by 5 (numpy "reflect" = torch "reflect"), average the whole H x W map
      "ssim_full": ssim(np.pad(zp, 5, mode="reflect"), np.pad(zt, 5, mode="reflect"), L),
      "psnr_range": float(peak_signal_noise_ratio(zt, zp, data_range=R)),
      "psnr": float(20 * np.log10(zt.max() / np.sqrt(np.mean((zt - zp) ** 2)))),
      "ms_ssim": ms_ssim(zp, zt, R) if min(zp.shape) >= 176 else None,
    })
print(json.dumps(out))
`;

async function compare(c: number, h: number, w: number, seed: number) {
  const truth = randomField(seed, c, h, w);
  const noise = randomField(seed + 1, c, h, w, 1);
  const pred = truth.map(
    (v, i) => v + 0.2 * Math.sin(i * 0.37) + 0.1 * ((noise[i] as number) - Math.floor(noise[i] as number)),
  );
  const mean = Array.from({ length: c }, (_, i) => 0.1 + i);
  const std = Array.from({ length: c }, (_, i) => 0.7 + 0.2 * i);
  const range = 6;
  await writeNpy(join(tmp, `p${seed}.npy`), pred, [c, h, w]);
  await writeNpy(join(tmp, `t${seed}.npy`), truth, [c, h, w]);
  const ref = runPython(SKIMAGE, [
    join(tmp, `p${seed}.npy`),
    join(tmp, `t${seed}.npy`),
    JSON.stringify(mean),
    JSON.stringify(std),
    String(range),
  ]) as Record<string, number | null>[];
  const normalization = { mean, std };
  const perImage = await scoreSnapshot(pred, truth, [c, h, w], {
    metrics: ["ssim", "psnr", "ssim_full"],
    normalization,
  });
  const fixed = await scoreSnapshot(pred, truth, [c, h, w], {
    metrics: ["ssim", "psnr_range", ...(Math.min(h, w) >= 176 ? ["ms_ssim"] : [])],
    normalization,
    dataRange: range,
  });
  return { ref, perImage, fixed };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("ssim, psnr and ms_ssim vs scikit-image 0.19 / scipy on the same seeded arrays", () => {
  it("ssim (per-image and fixed range), ssim_full, psnr, psnr_range to 1e-6 relative on 2 x 70 x 93", async () => {
    const { ref, perImage, fixed } = await compare(2, 70, 93, 11);
    for (let ch = 0; ch < 2; ch++) {
      const r = ref[ch] as Record<string, number>;
      expect(rel(perImage.perChannel[ch]?.ssim as number, r.ssim as number)).toBeLessThan(1e-6);
      expect(rel(perImage.perChannel[ch]?.psnr as number, r.psnr as number)).toBeLessThan(1e-6);
      expect(rel(perImage.perChannel[ch]?.ssim_full as number, r.ssim_full as number)).toBeLessThan(1e-6);
      expect(perImage.perChannel[ch]?.ssim_full).not.toBe(perImage.perChannel[ch]?.ssim);
      expect(rel(fixed.perChannel[ch]?.ssim as number, r.ssim_fixed as number)).toBeLessThan(1e-6);
      expect(rel(fixed.perChannel[ch]?.psnr_range as number, r.psnr_range as number)).toBeLessThan(1e-6);
      // Sanity: these are not trivially 1 (the test would then prove little).
      expect(r.ssim).toBeLessThan(0.99);
    }
  });

  it("ms_ssim to 1e-6 relative on 1 x 200 x 184 (5 scales down to 12 x 11)", async () => {
    const { ref, fixed } = await compare(1, 200, 184, 21);
    const r = ref[0] as Record<string, number>;
    expect(rel(fixed.perChannel[0]?.ms_ssim as number, r.ms_ssim as number)).toBeLessThan(1e-6);
    expect(rel(fixed.perChannel[0]?.ssim as number, r.ssim_fixed as number)).toBeLessThan(1e-6);
  });

  it("identical images give ssim 1; a masked truth pixel gives NaN ssim and is counted", async () => {
    const t = randomField(5, 1, 32, 32);
    const same = await scoreSnapshot(t, t, [1, 32, 32], { metrics: ["ssim"] });
    expect(same.perChannel[0]?.ssim).toBeCloseTo(1, 12);
    const masked = Float32Array.from(t);
    masked[40] = Number.NaN;
    const s = await scoreSnapshot(t, masked, [1, 32, 32], { metrics: ["ssim", "mse"] });
    expect(s.maskedTruth).toEqual([1]);
    expect(s.perChannel[0]?.ssim).toBeNaN();
    expect(s.perChannel[0]?.mse).toBeGreaterThanOrEqual(0);
  });

  it("ssim_full from the cropped pass plus border strips equals the whole padded pass", async () => {
    const { ssimFullStatistics } = await import("./ssim-full.js");
    const { ssimStatistics } = await import("./ssim.js");
    const { pixelStatistics } = await import("../pixel/statistics.js");
    const truth = randomField(31, 1, 37, 45);
    const pred = randomField(32, 1, 37, 45);
    const input = { pred, truth, h: 37, w: 45, channel: 0, mean: 0.2, std: 1.3, options: { metrics: [] } };
    const pixel = pixelStatistics(pred, truth, 0.2, 1.3);
    const whole = ssimFullStatistics(input, pixel);
    const reused = ssimFullStatistics(input, pixel, ssimStatistics(input, pixel));
    expect(reused.count).toBe(whole.count);
    expect(reused.ssim as number).toBeCloseTo(whole.ssim as number, 10);
  });

  it("strips of any height give the same sum as one strip (tiling is exact)", async () => {
    const { ssimSums, zScoredRows } = await import("./ssim-kernel.js");
    const a = randomField(8, 1, 90, 40);
    const b = randomField(9, 1, 90, 40);
    const whole = ssimSums(zScoredRows(a, 40, 0, 1), zScoredRows(b, 40, 0, 1), 90, 40, 3, 1000);
    const tiled = ssimSums(zScoredRows(a, 40, 0, 1), zScoredRows(b, 40, 0, 1), 90, 40, 3, 7);
    expect(tiled.ssim).toBeCloseTo(whole.ssim, 10);
    expect(tiled.count).toBe(whole.count);
  });
});
