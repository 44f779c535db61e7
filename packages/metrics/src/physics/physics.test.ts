import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpy } from "@fieldbench/formats";
import { afterAll, describe, expect, it } from "vitest";
import { randomField, runPython } from "../_python.js";
import { scoreSnapshot } from "../score.js";
import { divergenceMeanSquare } from "./divergence.js";
import { vorticityFd, vorticityFdRow, vorticitySpectral } from "./vorticity.js";

const tmp = mkdtempSync(join(tmpdir(), "physics-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** u = sin x cos y, v = -cos x sin y on [0, 2 pi)^2 with x along rows: divergence-free, vorticity 2 sin x sin y. */
function taylorGreen(n: number, shift = 0.3): { u: Float32Array; v: Float32Array; uv: Float32Array } {
  const uv = new Float32Array(2 * n * n);
  const h = (2 * Math.PI) / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = i * h + shift;
      const y = j * h + shift;
      uv[i * n + j] = Math.sin(x) * Math.cos(y);
      uv[n * n + i * n + j] = -Math.cos(x) * Math.sin(y);
    }
  }
  return { u: uv.subarray(0, n * n), v: uv.subarray(n * n), uv };
}

describe("divergence", () => {
  it("is exactly zero (to float32 rounding) on the Taylor-Green field, whose two truncation errors cancel", () => {
    // The stencil multiplies a mode e^{ikx} by sigma(k) = (8 sin kh - sin 2kh) / (6 kh); u and v have k = 1 in x and y.
    const { u, v } = taylorGreen(64);
    expect(divergenceMeanSquare(u, v, 64, 64, (2 * Math.PI) / 64).valid).toBeLessThan(1e-10);
  });

  it("converges at order 4 on a divergence-free field with unequal wavenumbers", () => {
    // psi = sin(x) sin(2y): u = dpsi/dy = 2 sin x cos 2y, v = -dpsi/dx = -cos x sin 2y.
    // D = 2 cos x cos 2y (sigma(1) - sigma(2)) with 1 - sigma(k) = (kh)^4 / 30 + O(h^6): |D| ~ h^4, rms ratio 16 per halving.
    const rms = [16, 32, 64].map((n) => {
      const uv = new Float32Array(2 * n * n);
      const h = (2 * Math.PI) / n;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          uv[i * n + j] = 2 * Math.sin(i * h) * Math.cos(2 * j * h);
          uv[n * n + i * n + j] = -Math.cos(i * h) * Math.sin(2 * j * h);
        }
      }
      return Math.sqrt(divergenceMeanSquare(uv.subarray(0, n * n), uv.subarray(n * n), n, n, h).periodic);
    });
    for (let k = 0; k < 2; k++) {
      const order = Math.log2((rms[k] as number) / (rms[k + 1] as number));
      expect(order).toBeGreaterThan(3.8);
      expect(order).toBeLessThan(4.2);
    }
  });

  it("matches a numpy implementation of SuperBench's valid stencil and its periodic variant", async () => {
    const c = 3;
    const h = 40;
    const w = 52;
    const field = randomField(3, c, h, w);
    const pred = field.map((x, i) => x * 1.1 + 0.01 * (i % 5));
    await writeNpy(join(tmp, "p.npy"), pred, [c, h, w]);
    await writeNpy(join(tmp, "t.npy"), field, [c, h, w]);
    const ref = runPython(
      `
import json, sys, numpy as np
def d(a, axis, step, valid):
    # (f(i-2) - 8 f(i-1) + 8 f(i+1) - f(i+2)) / (12 step), f(i+k) = np.roll(a, -k)
    r = lambda k: np.roll(a, -k, axis=axis)
    out = (r(-2) - 8 * r(-1) + 8 * r(1) - r(2)) / (12 * step)
    return out[2:-2, 2:-2] if valid else out
res = {}
for name in ["p", "t"]:
    a = np.load(sys.argv[1] + "/" + name + ".npy").astype("f8")
    step = 2 * np.pi / a.shape[2]
    for valid in [True, False]:
        D = d(a[0], 0, step, valid) + d(a[1], 1, step, valid)
        res[name + ("valid" if valid else "periodic")] = float(np.mean(D ** 2))
print(json.dumps(res))
`,
      [tmp],
    ) as Record<string, number>;
    const s = await scoreSnapshot(pred, field, [c, h, w], {
      metrics: ["div_mse", "div_mse_truth", "div_mse_periodic", "div_mse_periodic_truth"],
    });
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
    expect(rel(s.snapshot.div_mse as number, ref.pvalid as number)).toBeLessThan(1e-9);
    expect(rel(s.snapshot.div_mse_truth as number, ref.tvalid as number)).toBeLessThan(1e-9);
    expect(rel(s.snapshot.div_mse_periodic as number, ref.pperiodic as number)).toBeLessThan(1e-9);
    expect(rel(s.snapshot.div_mse_periodic_truth as number, ref.tperiodic as number)).toBeLessThan(1e-9);
  });

  it("a known non-zero divergence: (u, -v) of Taylor-Green", () => {
    // du/dx + d(-v)/dy = 2 sigma cos x cos y, sigma = (8 sin h - sin 2h) / (6h); mean of its square = sigma^2
    // (cos^2 x cos^2 y averages to 1/4 on the periodic grid).
    const n = 32;
    const h = (2 * Math.PI) / n;
    const { u, v } = taylorGreen(n);
    const sigma = (8 * Math.sin(h) - Math.sin(2 * h)) / (6 * h);
    const minusV = v.map((x) => -x);
    expect(divergenceMeanSquare(u, minusV, n, n, h).periodic).toBeCloseTo(sigma * sigma, 6);
  });
});

describe("vorticity", () => {
  it("finite differences converge at order 4 to 2 sin x sin y; spectral is exact to float32", async () => {
    const errors: number[] = [];
    for (const n of [32, 64]) {
      const { u, v } = taylorGreen(n);
      const h = (2 * Math.PI) / n;
      const fd = vorticityFd(u, v, n, n, h);
      const sp = await vorticitySpectral(u, v, n, n, h);
      let maxFd = 0;
      let maxSp = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const exact = 2 * Math.sin(i * h + 0.3) * Math.sin(j * h + 0.3);
          maxFd = Math.max(maxFd, Math.abs((fd[i * n + j] as number) - exact));
          maxSp = Math.max(maxSp, Math.abs((sp[i * n + j] as number) - exact));
        }
      }
      errors.push(maxFd);
      // float32 inputs and PFFFT float32 arithmetic: about 1e-6 of the amplitude 2.
      expect(maxSp).toBeLessThan(5e-6);
    }
    expect(Math.log2((errors[0] as number) / (errors[1] as number))).toBeGreaterThan(3.8);
  });

  it("the row-streamed vorticity equals the whole-field one, and vort_rfne matches numpy on random fields", async () => {
    const h = 24;
    const w = 40;
    const uv = randomField(12, 2, h, w, 1);
    const pred = uv.map((x, i) => x + 0.05 * Math.cos(i));
    const spacing = (2 * Math.PI) / w;
    const whole = vorticityFd(uv.subarray(0, h * w), uv.subarray(h * w), h, w, spacing);
    const row = new Float64Array(w);
    for (let i = 0; i < h; i++) {
      vorticityFdRow(uv.subarray(0, h * w), uv.subarray(h * w), h, w, spacing, i, row);
      // Same stencil, different rounding order: (dv - du) / 12h against dv / 12h - du / 12h.
      for (let j = 0; j < w; j++) expect(row[j]).toBeCloseTo(whole[i * w + j] as number, 10);
    }
    await writeNpy(join(tmp, "vp.npy"), pred, [2, h, w]);
    await writeNpy(join(tmp, "vt.npy"), uv, [2, h, w]);
    const ref = runPython(
      `
import json, sys, numpy as np
def vort(a):
    u, v = a[0].astype("f8"), a[1].astype("f8"); step = 2 * np.pi / a.shape[2]
    d = lambda f, ax: (np.roll(f, 2, ax) - 8 * np.roll(f, 1, ax) + 8 * np.roll(f, -1, ax) - np.roll(f, -2, ax)) / (12 * step)
    return d(v, 0) - d(u, 1)
wp, wt = vort(np.load(sys.argv[1])), vort(np.load(sys.argv[2]))
print(json.dumps({"vort_rfne": float(np.linalg.norm(wt - wp) / np.linalg.norm(wt)),
  "enstrophy_rel": float(abs((wp ** 2).mean() - (wt ** 2).mean()) / (wt ** 2).mean())}))
`,
      [join(tmp, "vp.npy"), join(tmp, "vt.npy")],
    ) as Record<string, number>;
    const s = await scoreSnapshot(pred, uv, [2, h, w], { metrics: ["vort_rfne", "enstrophy_rel"] });
    expect(Math.abs((s.snapshot.vort_rfne as number) / (ref.vort_rfne as number) - 1)).toBeLessThan(1e-9);
    expect(Math.abs((s.snapshot.enstrophy_rel as number) / (ref.enstrophy_rel as number) - 1)).toBeLessThan(1e-6);
  });

  it("vort_rfne, ke_rel and enstrophy_rel by hand: a prediction scaled by s", async () => {
    // pred = s * truth: vorticity scales by s, so vort_rfne = |1 - s|; KE and enstrophy scale by s^2: rel = |s^2 - 1|
    const n = 32;
    const { uv } = taylorGreen(n);
    const pred = uv.map((x) => x * 0.5);
    const s = await scoreSnapshot(pred, uv, [2, n, n], { metrics: ["vort_rfne", "ke_rel", "enstrophy_rel"] });
    expect(s.snapshot.vort_rfne).toBeCloseTo(0.5, 6);
    expect(s.snapshot.ke_rel).toBeCloseTo(0.75, 6);
    expect(s.snapshot.enstrophy_rel).toBeCloseTo(0.75, 6);
  });

  it("NaN in u or v makes the physics metrics NaN", async () => {
    const n = 16;
    const { uv } = taylorGreen(n);
    const pred = Float32Array.from(uv);
    pred[3] = Number.NaN;
    const s = await scoreSnapshot(pred, uv, [2, n, n], { metrics: ["div_mse", "vort_rfne"] });
    expect(s.snapshot.div_mse).toBeNaN();
    expect(s.snapshot.vort_rfne).toBeNaN();
    expect(s.invalidPrediction).toEqual([1, 0]);
  });
});
