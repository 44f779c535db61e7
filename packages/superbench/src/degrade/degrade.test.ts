import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { degrade, degradedShape } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-degrade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Random 2048^2 float32 arrays and their Pillow "F" mode BICUBIC resizes, written by Debian's python3-pil. */
function pillowReference(size: number, scales: readonly number[]): { input: Float32Array; outputs: Float32Array[] } {
  const script = `
import numpy as np
from PIL import Image
rng = np.random.default_rng(20240611)
a = (rng.standard_normal((${size}, ${size})) * 3 + 1).astype(np.float32)
a.tofile("${dir}/in.f32")
for s in [${scales.join(",")}]:
    n = ${size} // s
    out = np.asarray(Image.fromarray(a, mode="F").resize((n, n), Image.BICUBIC), dtype=np.float32)
    out.tofile(f"${dir}/out{s}.f32")
`;
  const run = spawnSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python reference failed: ${run.stderr}`);
  const read = (name: string) => new Float32Array(readFileSync(join(dir, name)).buffer.slice(0));
  return { input: read("in.f32"), outputs: scales.map((s) => read(`out${s}.f32`)) };
}

function maxRelativeError(got: Float32Array, want: Float32Array): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < want.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
    maxRef = Math.max(maxRef, Math.abs(want[i]!));
  }
  return maxDiff / maxRef;
}

describe("bicubic-aa", () => {
  it("equals Pillow's float BICUBIC resize of a random 2048^2 array at x8 and x16 to 1e-5", () => {
    const { input, outputs } = pillowReference(2048, [8, 16]);
    for (const [i, scale] of [8, 16].entries()) {
      const got = degrade("bicubic-aa", input, [1, 2048, 2048], { scale });
      const want = outputs[i]!;
      expect(got.length).toBe(want.length);
      const err = maxRelativeError(got, want);
      console.log(`bicubic-aa x${scale}: max relative error ${err}`);
      expect(err).toBeLessThan(1e-5);
    }
  });
});

/** Independent float64 statement of PyTorch's upsample_bicubic2d (align_corners=False, A = -0.75, clamped). */
function torchBicubic(src: Float32Array, h: number, w: number, oh: number, ow: number): Float64Array {
  const A = -0.75;
  const k1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1; // |x| <= 1
  const k2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; // 1 < |x| < 2
  const coeffs = (t: number) => [k2(t + 1), k1(t), k1(1 - t), k2(2 - t)];
  const at = (y: number, x: number) => src[Math.min(Math.max(y, 0), h - 1) * w + Math.min(Math.max(x, 0), w - 1)]!;
  const out = new Float64Array(oh * ow);
  for (let oy = 0; oy < oh; oy++) {
    const sy = (oy + 0.5) * (h / oh) - 0.5;
    const y0 = Math.floor(sy);
    const wy = coeffs(sy - y0);
    for (let ox = 0; ox < ow; ox++) {
      const sx = (ox + 0.5) * (w / ow) - 0.5;
      const x0 = Math.floor(sx);
      const wx = coeffs(sx - x0);
      let sum = 0;
      for (let i = 0; i < 4; i++) {
        let row = 0;
        for (let j = 0; j < 4; j++) row += at(y0 - 1 + i, x0 - 1 + j) * wx[j]!;
        sum += row * wy[i]!;
      }
      out[oy * ow + ox] = sum;
    }
  }
  return out;
}

describe("bicubic (plain, ERA5)", () => {
  it("equals a float64 PyTorch bicubic (A = -0.75, clamped) on an ERA5-sized field at x8 and x16", () => {
    const rng = createRng(7);
    const [h, w] = [720, 1440];
    const input = Float32Array.from({ length: h * w }, () => 280 + 20 * rng.normal());
    for (const scale of [8, 16]) {
      const got = degrade("bicubic", input, [1, h, w], { scale });
      const want = torchBicubic(input, h, w, h / scale, w / scale);
      let maxRel = 0;
      for (let i = 0; i < want.length; i++)
        maxRel = Math.max(maxRel, Math.abs(got[i]! - want[i]!) / Math.abs(want[i]!));
      expect(maxRel).toBeLessThan(1e-6);
    }
  });

  it("handles the border by clamping: a 4x4 ramp down to 2x2, worked by hand", () => {
    // Row [0, 1, 2, 3] at x2: o = 0 -> src x = 0.5, taps -1..2 clamped to [0, 0, 1, 2] with t = 0.5 weights
    // [-0.09375, 0.59375, 0.59375, -0.09375]: 0 + 0 + 0.59375 - 0.1875 = 0.40625.
    // o = 1 -> x = 2.5, taps 1..4 clamped to [1, 2, 3, 3]: -0.09375 + 1.1875 + 1.78125 - 0.28125 = 2.59375.
    const ramp = Float32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    const got = degrade("bicubic", ramp, [1, 4, 4], { scale: 2 });
    expect(Array.from(got)).toEqual([0.40625, 2.59375, 0.40625, 2.59375]);
  });
});

describe("uniform and noisy-uniform", () => {
  const field = Float32Array.from({ length: 2 * 4 * 6 }, (_, i) => i);

  it("uniform takes every s-th pixel from index 0", () => {
    // channel 0 rows 0 and 2, columns 0, 2, 4: 0 2 4 / 12 14 16; channel 1 adds 24.
    expect(Array.from(degrade("uniform", field, [2, 4, 6], { scale: 2 }))).toEqual([
      0, 2, 4, 12, 14, 16, 24, 26, 28, 36, 38, 40,
    ]);
    expect(degradedShape("uniform", [2, 4, 6], 2)).toEqual([2, 2, 3]);
  });

  it("noisy-uniform adds ratio * std_c * N(0,1) drawn in order from the seeded RNG, identical on every run", () => {
    const std = [2, 10];
    const got = degrade("noisy-uniform", field, [2, 4, 6], { scale: 2, ratio: 0.05, std, seed: 42 });
    const rng = createRng(42);
    const base = [0, 2, 4, 12, 14, 16, 24, 26, 28, 36, 38, 40];
    const want = base.map((v, i) => Math.fround(v + 0.05 * std[i < 6 ? 0 : 1]! * rng.normal()));
    expect(Array.from(got)).toEqual(want);
    expect(Array.from(degrade("noisy-uniform", field, [2, 4, 6], { scale: 2, ratio: 0.05, std, seed: 42 }))).toEqual(
      want,
    );
    expect(() => degrade("noisy-uniform", field, [2, 4, 6], { scale: 2 })).toThrow(/needs a noise ratio/);
  });
});
