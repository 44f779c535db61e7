import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpy } from "@fieldbench/formats";
import { afterAll, describe, expect, it } from "vitest";
import { randomField, runPython } from "../_python.js";
import { rfft2 } from "../fft.js";
import { scoreSnapshot } from "../score.js";
import { energySpectrum } from "./energy-spectrum.js";
import { spectrumBands } from "./spectrum-lsd.js";

const tmp = mkdtempSync(join(tmpdir(), "spectrum-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("energy spectrum", () => {
  it("a single Fourier mode puts all its energy in one shell, and Parseval holds", async () => {
    // u = cos(3x + 4y): |k| = 5; KE per pixel = 0.5 mean(u^2) = 0.25; v = 0.
    const n = 64;
    const u = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) u[i * n + j] = Math.cos((2 * Math.PI * (3 * i + 4 * j)) / n);
    }
    const e = await energySpectrum(u, new Float32Array(n * n), n, n);
    let total = 0;
    for (const x of e) total += x;
    expect(e[5]).toBeCloseTo(0.25, 6);
    expect(total).toBeCloseTo(0.25, 6);
    expect(total - (e[5] as number)).toBeLessThan(1e-10);
  });

  it("matches numpy.fft shell sums on seeded random fields to 1e-6 relative (64 x 96)", async () => {
    const h = 64;
    const w = 96;
    const uv = randomField(17, 2, h, w, 1);
    await writeNpy(join(tmp, "uv.npy"), uv, [2, h, w]);
    const ref = runPython(
      `
import json, sys, numpy as np
a = np.load(sys.argv[1]).astype("f8")
H, W = a.shape[1:]
kx = np.fft.fftfreq(H) * H; ky = np.fft.fftfreq(W) * W
shell = np.rint(np.sqrt(kx[:, None] ** 2 + ky[None, :] ** 2)).astype(int)
E = np.zeros(int(round(np.hypot(H / 2, W / 2))) + 1)
for f in a[:2]:
    P = np.abs(np.fft.fft2(f) / (H * W)) ** 2
    E += 0.5 * np.bincount(shell.ravel(), P.ravel(), minlength=E.size)[: E.size]
print(json.dumps({"E": E.tolist(), "ke": float(0.5 * np.mean(a[0] ** 2 + a[1] ** 2))}))
`,
      [join(tmp, "uv.npy")],
    ) as { E: number[]; ke: number };
    const e = await energySpectrum(uv.subarray(0, h * w), uv.subarray(h * w), h, w);
    expect(e.length).toBe(ref.E.length);
    let total = 0;
    for (let k = 0; k < e.length; k++) {
      total += e[k] as number;
      const r = ref.E[k] as number;
      expect(Math.abs((e[k] as number) - r) / Math.max(r, 1e-300)).toBeLessThan(1e-6);
    }
    expect(Math.abs(total - ref.ke) / ref.ke).toBeLessThan(1e-6);
  });

  it("rfft2 agrees with fft.js (pure-JS float64) on a 32 x 64 field", async () => {
    const FFT = createRequire(import.meta.url)("fft.js") as new (
      n: number,
    ) => {
      createComplexArray(): number[];
      toComplexArray(input: ArrayLike<number>, out?: number[]): number[];
      transform(out: number[], input: number[]): void;
    };
    const h = 32;
    const w = 64;
    const f = randomField(4, 1, h, w, 1);
    // 2-D DFT by fft.js: complex row transforms, then complex column transforms.
    const rowFft = new FFT(w);
    const colFft = new FFT(h);
    const rows: number[][] = [];
    for (let r = 0; r < h; r++) {
      const out = rowFft.createComplexArray();
      rowFft.transform(out, rowFft.toComplexArray(f.subarray(r * w, (r + 1) * w)));
      rows.push(out);
    }
    const ours = await rfft2(f, h, w);
    let maxErr = 0;
    let maxMag = 0;
    for (let c = 0; c <= w / 2; c++) {
      const col = colFft.createComplexArray();
      const input = colFft.createComplexArray();
      for (let r = 0; r < h; r++) {
        input[2 * r] = (rows[r] as number[])[2 * c] as number;
        input[2 * r + 1] = (rows[r] as number[])[2 * c + 1] as number;
      }
      colFft.transform(col, input);
      for (let r = 0; r < h; r++) {
        const o = r * ours.cols + c;
        maxErr = Math.max(
          maxErr,
          Math.hypot(
            (ours.re[o] as number) - (col[2 * r] as number),
            (ours.im[o] as number) - (col[2 * r + 1] as number),
          ),
        );
        maxMag = Math.max(maxMag, Math.hypot(col[2 * r] as number, col[2 * r + 1] as number));
      }
    }
    expect(maxErr / maxMag).toBeLessThan(1e-6);
  });

  it("refuses sizes PFFFT cannot transform with a FieldbenchError", async () => {
    await expect(energySpectrum(new Float32Array(30 * 30), new Float32Array(30 * 30), 30, 30)).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
  });
});

describe("spectrum_lsd", () => {
  it("bands for 2048: 1-64, 65-256, 257-1024", () => {
    expect(spectrumBands(2048, 2048)).toEqual({ all: [1, 1024], low: [1, 64], mid: [65, 256], high: [257, 1024] });
  });

  it("a prediction scaled by s has LSD = 2 |log10 s| in every band; identity gives 0", async () => {
    // E scales by s^2, so log10 E_p - log10 E_t = 2 log10 s in every shell.
    const h = 64;
    const truth = randomField(2, 2, h, h, 1);
    const pred = truth.map((x) => x * 2);
    const names = ["spectrum_lsd", "spectrum_lsd_low", "spectrum_lsd_mid", "spectrum_lsd_high"];
    const s = await scoreSnapshot(pred, truth, [2, h, h], { metrics: names });
    for (const name of names) expect(s.snapshot[name]).toBeCloseTo(2 * Math.log10(2), 5);
    const same = await scoreSnapshot(truth, truth, [2, h, h], { metrics: names });
    for (const name of names) expect(same.snapshot[name]).toBe(0);
  });
});
