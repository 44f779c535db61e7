import { createModel } from "@fieldbench/models";
import { describe, expect, it } from "vitest";
import { fitOrder, measureConvergence, regionBounds } from "./convergence.js";

/** Keys' cubic convolution kernel with parameter a (Keys 1981, eq. 15); fieldbench's `bicubic` uses PyTorch's -0.75. */
function keys(x: number, a: number): number {
  const t = Math.abs(x);
  if (t <= 1) return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1;
  if (t < 2) return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a;
  return 0;
}

/**
 * The first moment of the 4-tap interpolant at fractional offset t: M1(t) = sum_k w_k(t) (k - t), k = -1..2.
 * Expanding f(x_k) in a Taylor series about the output point, the interpolation error is -H f'(x) M1(t) + O(H^2):
 * zero for a = -0.5 (Keys' third-order kernel), not for a = -0.75, whose error is therefore first order in H.
 */
function firstMoment(t: number, a: number): number {
  let m = 0;
  for (let k = -1; k <= 2; k++) m += keys(t - k, a) * (k - t);
  return m;
}

/** A band-limited field on [0, 2 pi)^2: three Fourier modes, sampled at pixel centres, with its exact gradient. */
const MODES = [
  { a: 1.0, kx: 1, ky: 2, phase: 0.3 },
  { a: 0.6, kx: 2, ky: -1, phase: 1.1 },
  { a: 0.4, kx: -2, ky: 2, phase: 2.0 },
];
const at = (x: number, y: number) => MODES.reduce((s, m) => s + m.a * Math.sin(m.kx * x + m.ky * y + m.phase), 0);
const grad = (x: number, y: number): [number, number] =>
  MODES.reduce<[number, number]>(
    (g, m) => {
      const c = m.a * Math.cos(m.kx * x + m.ky * y + m.phase);
      return [g[0] + m.kx * c, g[1] + m.ky * c];
    },
    [0, 0],
  );
const coord = (i: number, n: number) => ((i + 0.5) * 2 * Math.PI) / n;

function sampled(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = at(coord(i, n), coord(j, n));
  return out;
}

/**
 * The leading-order RFNE of bicubic (a = -0.75) x s on the region, worked from the Taylor expansion above: the error
 * at an HR pixel is -H (M1(t_row) df/dx + M1(t_col) df/dy) with H = s h the LR spacing and t the pixel's fractional
 * offset between LR samples ((o + 0.5) / s - 0.5 mod 1, pixel-centre convention).
 */
function predictedRfne(n: number, scale: number, border: number): number {
  const H = (scale * 2 * Math.PI) / n;
  const [start, end] = regionBounds(n, border);
  const phase = (o: number) => {
    const src = (o + 0.5) / scale - 0.5;
    return src - Math.floor(src);
  };
  let err = 0;
  let ref = 0;
  for (let i = start; i < end; i++)
    for (let j = start; j < end; j++) {
      const [fx, fy] = grad(coord(i, n), coord(j, n));
      err += (H * (firstMoment(phase(i), -0.75) * fx + firstMoment(phase(j), -0.75) * fy)) ** 2;
      ref += at(coord(i, n), coord(j, n)) ** 2;
    }
  return Math.sqrt(err / ref);
}

/** x4 with bicubic-aa, four levels, the central half, a one-channel field in its own units. */
const SETUP = {
  scale: 4,
  degradation: "bicubic-aa" as const,
  levels: 4,
  border: 0.25,
  normalization: { mean: [0], std: [1] },
};

describe("measureConvergence", () => {
  it("bicubic (a = -0.75) converges at first order on a smooth field, with the worked constant", async () => {
    const bicubic = await createModel("bicubic");
    const curve = await measureConvergence(bicubic, [sampled(1024)], 1, 1024, SETUP);
    expect(curve.levels.map((l) => l.hr)).toEqual([1024, 512, 256, 128]);
    expect(curve.levels.map((l) => l.lr)).toEqual([256, 128, 64, 32]);
    // Keys: M1 = 0 for a = -0.5, so the expansion's first-order term is what a = -0.75 adds
    expect(firstMoment(0.3, -0.5)).toBeCloseTo(0, 14);
    // measured 1.013, 95% interval 0.998-1.029
    expect(Math.abs(curve.order!.estimate - 1)).toBeLessThan(0.05);
    expect(curve.order!.ci95![0]).toBeLessThan(1);
    expect(curve.order!.ci95![1]).toBeGreaterThan(1);
    for (const order of curve.localOrders) expect(order!).toBeCloseTo(1, 1);
    // the leading term predicts the finest levels' error to a few percent (the O(H^2) terms shrink with h)
    for (const level of curve.levels.slice(0, 3)) {
      const predicted = predictedRfne(level.hr, 4, 0.25);
      expect(Math.abs(level.rfne! / predicted - 1)).toBeLessThan(0.03);
    }
  });

  it("says which levels a fixed-tile model cannot take", async () => {
    const bicubic = await createModel("bicubic");
    const tiled = { ...bicubic, name: "tiled", tile: { size: 32, overlap: 8, fixedExtent: true } };
    const curve = await measureConvergence(tiled, [sampled(256)], 1, 256, SETUP);
    // LR edges 64, 32, 16, 8: the last two are smaller than the tile
    expect(curve.levels.map((l) => l.rfne === null)).toEqual([false, false, true, true]);
    expect(curve.levels[2]!.note).toBe("runs on 32x32 LR tiles only; this level's LR field is 16x16");
    expect(curve.order!.levels).toBe(2);
    expect(curve.order!.ci95).toBeNull();
  });
});

describe("fitOrder", () => {
  it("recovers the slope and a zero-width interval from exact powers", () => {
    // RFNE = 3 h^2 on h = 1/8, 1/16, 1/32: the log-log line has slope 2 and no residual
    const fit = fitOrder([8, 16, 32].map((n) => ({ h: 1 / n, rfne: 3 / n ** 2 })));
    expect(fit!.estimate).toBeCloseTo(2, 12);
    expect(fit!.ci95![1] - fit!.ci95![0]).toBeCloseTo(0, 10);
    expect(
      fitOrder([
        { h: 0.5, rfne: null },
        { h: 0.25, rfne: 0.1 },
      ]),
    ).toBeNull();
  });
});
