import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createModel } from "@fieldbench/models";
import { describe, expect, it } from "vitest";
import { getDataset } from "./datasets.js";
import { evaluateSnapshot, metricsFor } from "./evaluate.js";
import { openSplit } from "./reader.js";
import { embeddedDataRoot } from "./run.js";
import { resolveTask } from "./tasks.js";

const FILE = join(embeddedDataRoot("nskt_mini"), "test_1", "nskt_mini.h5");

/**
 * SuperBench's compat definitions computed independently in float64 by numpy, Pillow and scikit-image: LR from
 * Pillow's BICUBIC resize (torchvision antialias=True), the published Bicubic baseline's upsampling written out as
 * PyTorch's align_corners=True cubic (A = -0.75, clamped), z-scores with the nskt_16k constants, then per channel
 * MSE, MAE, RFNE, IN (absolute and relative), PSNR with peak max(z_true), SSIM = skimage gaussian sigma 1.5 with
 * population covariances and L = max of both ranges, map cropped by 5; divergence MSE of the raw (u, v) with the
 * 4th-order stencil, x along rows for u and y along columns for v, valid region, h = 2 pi / 256.
 */
const REFERENCE = String.raw`
import json, sys
import numpy as np, h5py
from PIL import Image
from skimage.metrics import structural_similarity
hr = h5py.File(sys.argv[1], "r")["fields"][0].astype(np.float64)
mean = np.array([-9.48395660e-21, -7.88982956e-20, -2.07734654e-15]); std = np.array([0.67100703, 0.67113945, 10.27907989])
C, H, W = hr.shape; s = 8; n = H // s
def cubic(x, A=-0.75):
    x = abs(x)
    return (A + 2) * x**3 - (A + 3) * x**2 + 1 if x <= 1 else (A * x**3 - 5 * A * x**2 + 8 * A * x - 4 * A if x < 2 else 0.0)
def align_corners_matrix(n, N):
    M = np.zeros((N, n))
    for o in range(N):
        x = o * (n - 1) / (N - 1); x0 = int(np.floor(x)); t = x - x0
        for k in range(-1, 3):
            M[o, min(max(x0 + k, 0), n - 1)] += cubic(t - k)
    return M
U = align_corners_matrix(n, H)
pred = np.empty_like(hr)
for c in range(C):
    lr = np.asarray(Image.fromarray(hr[c].astype(np.float32), mode="F").resize((n, n), Image.BICUBIC), dtype=np.float64)
    pred[c] = U @ lr @ U.T
out = {"perChannel": []}
for c in range(C):
    zt = (hr[c] - mean[c]) / std[c]; zp = (pred[c] - mean[c]) / std[c]
    d = zt - zp; mse = np.mean(d**2)
    L = max(zp.max() - zp.min(), zt.max() - zt.min())
    _, smap = structural_similarity(zt, zp, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=L, full=True)
    out["perChannel"].append({
        "mse": mse, "mae": np.mean(np.abs(d)), "rfne": np.linalg.norm(d) / np.linalg.norm(zt),
        "in_abs": np.abs(d).max(), "in_rel": np.abs(d).max() / np.abs(zt).max(),
        "psnr": 20 * np.log10(zt.max() / np.sqrt(mse)), "ssim": smap[5:-5, 5:-5].mean()})
h = 2 * np.pi / 256
def d4(f, axis):
    m = f.shape[axis]; take = lambda a, b: np.take(f, range(a, m - 4 + a if b else m - 4 + a), axis=axis)
    return (take(0, 1) - 8 * take(1, 1) + 8 * take(3, 1) - take(4, 1)) / (12 * h)
D = d4(pred[0], 0)[:, 2:-2] + d4(pred[1], 1)[2:-2, :]
out["div_mse"] = np.mean(D**2)
print(json.dumps(out))
`;

describe("compat metrics of bicubic-superbench", () => {
  it("reproduce a float64 numpy/Pillow/scikit-image computation of SuperBench's definitions to 1e-5", async () => {
    const run = spawnSync("/usr/bin/python3", ["-c", REFERENCE, FILE], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`python reference failed: ${run.stderr}`);
    const reference = JSON.parse(run.stdout) as { perChannel: Record<string, number>[]; div_mse: number };

    const spec = getDataset("nskt_mini");
    const reader = await openSplit(embeddedDataRoot("nskt_mini"), "test_1", spec);
    const hr = await reader.readHr(0);
    await reader.close();
    const model = await createModel("bicubic-superbench");
    const score = await evaluateSnapshot(
      model,
      { spec, task: resolveTask("bicubic-x8", spec), split: "test_1", index: 0, hr },
      "compat",
    );
    // SuperBench's eval.py set (docs/superbench.md), in the registry's display order.
    expect(metricsFor(spec, "compat")).toEqual(["rfne", "mse", "mae", "in_abs", "in_rel", "psnr", "ssim", "div_mse"]);
    let worst = 0;
    for (const [c, want] of reference.perChannel.entries()) {
      for (const [name, value] of Object.entries(want)) {
        const got = score.perChannel[c]![name]!;
        const rel = Math.abs(got - value) / Math.abs(value);
        worst = Math.max(worst, rel);
        expect(rel, `${name} channel ${c}: ${got} vs ${value}`).toBeLessThan(1e-5);
      }
    }
    const divRel = Math.abs(score.snapshot["div_mse"]! - reference.div_mse) / reference.div_mse;
    console.log(
      `worst relative difference: per-channel metrics ${worst.toExponential(2)}, div_mse ${divRel.toExponential(2)}`,
    );
    expect(divRel).toBeLessThan(1e-5);
  });
});

describe("ERA5 through the protocol", () => {
  it("uses plain bicubic for the bicubic tasks and adds latitude-weighted RMSE in default mode", async () => {
    const spec = getDataset("era5");
    const task = resolveTask("bicubic-x16", spec);
    expect(task).toMatchObject({ degradation: "bicubic", scale: 16 });
    const [h, w] = spec.hr;
    // A smooth field around each channel's mean: 3 x 720 x 1440.
    const hr = new Float32Array(3 * h * w);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          hr[(c * h + y) * w + x] = spec.mean[c]! + spec.std[c]! * Math.sin(y / 37) * Math.cos(x / 53);
    const model = await createModel("bicubic");
    const score = await evaluateSnapshot(model, { spec, task, split: "test_1", index: 0, hr }, "default");
    expect(Object.keys(score.perChannel[0]!)).toEqual(expect.arrayContaining(["psnr_range", "ssim", "lat_rmse"]));
    expect(score.perChannel.every((r) => Number.isFinite(r["lat_rmse"]) && r["rfne"]! < 0.5)).toBe(true);
  });
});

describe("lrsim", () => {
  it("feeds LR_fields to the model unchanged (no synthetic degradation)", async () => {
    const spec = {
      ...getDataset("nskt_16k_sim_4"),
      hr: [64, 64] as const,
      storedRows: 64,
      gridSpacing: (2 * Math.PI) / 64,
    };
    const task = resolveTask("lrsim", spec);
    expect(task).toMatchObject({ degradation: "lrsim", scale: 4 });
    // HR is the nearest-neighbour x4 copy of LR, so nearest on the passed-through LR reproduces HR exactly.
    const lr = Float32Array.from({ length: 3 * 16 * 16 }, (_, i) => Math.sin(i * 0.37) + 0.1 * (i % 5));
    const hr = new Float32Array(3 * 64 * 64);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 64; x++) hr[(c * 64 + y) * 64 + x] = lr[(c * 16 + (y >> 2)) * 16 + (x >> 2)]!;
    const model = await createModel("nearest");
    const score = await evaluateSnapshot(model, { spec, task, split: "test_2", index: 0, hr, lr }, "compat");
    expect(score.perChannel.map((r) => r["mse"])).toEqual([0, 0, 0]);
    expect(() => resolveTask("lrsim", getDataset("nskt_16k"))).toThrow(/lrsim needs an LR-sim dataset/);
  });
});

describe("metricsFor", () => {
  it("default mode: fieldbench's fixes, physics only for u, v datasets, lat_rmse only on the ERA5 grid", () => {
    // docs/superbench.md's default-mode list for NSKT: the fixed-range metrics, the divergence floor, vorticity, spectra.
    expect(new Set(metricsFor(getDataset("nskt_16k"), "default"))).toEqual(
      new Set(
        "mse mae rmse rfne in_abs in_rel psnr_range ssim ms_ssim div_mse div_mse_truth vort_rfne ke_rel enstrophy_rel spectrum_lsd spectrum_lsd_low spectrum_lsd_mid spectrum_lsd_high".split(
          " ",
        ),
      ),
    );
    expect(metricsFor(getDataset("cosmo"), "default")).toEqual([
      "rfne",
      "mse",
      "mae",
      "rmse",
      "in_abs",
      "in_rel",
      "psnr_range",
      "ssim",
      "ms_ssim",
    ]);
    expect(metricsFor(getDataset("era5"), "default").at(-1)).toBe("lat_rmse");
    expect(metricsFor(getDataset("era5"), "compat")).not.toContain("lat_rmse");
  });
});
