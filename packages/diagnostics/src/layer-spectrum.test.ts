import { readFileSync } from "node:fs";
import { createRng } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { pooledEigenvalues } from "./esd.js";
import { kernelSlices } from "./kernel-slices.js";
import { analyzeLayer } from "./layer-spectrum.js";
import { fitPowerLaw } from "./power-law.js";
import { symmetricEigenvalues } from "./symmetric-eigen.js";

const fixtures = new URL("../fixtures/", import.meta.url);

interface Reference {
  shapes: Record<string, number[]>;
  layers: Record<string, Record<string, unknown> & { eigenvalues: number[] }>;
}

/** The numpy reference (tools/fixtures/weight-spectra.py): the same layers' raw float32 weights and its numbers. */
function loadReference(): { ref: Reference; weights: Record<string, { re: Float32Array; im?: Float32Array }> } {
  const ref = JSON.parse(readFileSync(new URL("weight-spectra.json", fixtures), "utf8")) as Reference;
  const bytes = readFileSync(new URL("weight-spectra.f32", fixtures));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  let at = 0;
  const take = (n: number) => all.subarray(at, (at += n));
  const conv = take(size(ref.shapes["conv"]!));
  const dense = take(size(ref.shapes["dense"]!));
  const fnoRe = take(size(ref.shapes["fno"]!));
  const fnoIm = take(size(ref.shapes["fno"]!));
  expect(at).toBe(all.length);
  return { ref, weights: { conv: { re: conv }, dense: { re: dense }, fno: { re: fnoRe, im: fnoIm } } };
}

describe("symmetricEigenvalues", () => {
  it("solves small cases worked by hand", () => {
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3
    expect(Array.from(symmetricEigenvalues(new Float64Array([2, 1, 1, 2]), 2))).toEqual([
      expect.closeTo(1, 14),
      expect.closeTo(3, 14),
    ]);
    // diag(5, -1, 2) with a zero off-diagonal: the diagonal, sorted
    expect(Array.from(symmetricEigenvalues(new Float64Array([5, 0, 0, 0, -1, 0, 0, 0, 2]), 3))).toEqual([-1, 2, 5]);
    // the path graph's Laplacian on 3 nodes: 0, 1, 3
    const l = symmetricEigenvalues(new Float64Array([1, -1, 0, -1, 2, -1, 0, -1, 1]), 3);
    expect(l[0]).toBeCloseTo(0, 13);
    expect(l[1]).toBeCloseTo(1, 13);
    expect(l[2]).toBeCloseTo(3, 13);
  });
});

describe("layer spectra against numpy (tools/fixtures/weight-spectra.py)", () => {
  const { ref, weights } = loadReference();
  for (const name of ["conv", "dense", "fno"]) {
    it(`${name}: eigenvalues, norms, power law and Marchenko-Pastur equal the numpy reference`, () => {
      const expected = ref.layers[name]!;
      const w = weights[name]!;
      const sliced = kernelSlices(ref.shapes[name]!, w.re, w.im)!;
      const { spectrum, eigenvalues } = analyzeLayer(sliced.matrices);
      const lmax = expected["lambdaMax"] as number;
      expect(eigenvalues.length).toBe(expected.eigenvalues.length);
      for (const [i, x] of expected.eigenvalues.entries())
        expect(Math.abs(eigenvalues[i]! - x)).toBeLessThan(1e-12 * lmax);
      expect(spectrum.n).toBe(expected["n"]);
      expect(spectrum.m).toBe(expected["m"]);
      expect(spectrum.slices).toBe(expected["slices"]);
      expect(spectrum.lambdaMax).toBeCloseTo(lmax, 12);
      expect(spectrum.logSpectralNorm).toBeCloseTo(expected["logSpectralNorm"] as number, 12);
      expect(spectrum.logFrobeniusNorm).toBeCloseTo(expected["logFrobeniusNorm"] as number, 12);
      expect(spectrum.stableRank).toBeCloseTo(expected["stableRank"] as number, 10);
      const fit = expected["powerLaw"] as Record<string, number>;
      expect(spectrum.powerLaw).not.toBeNull();
      expect(spectrum.powerLaw!.tailCount).toBe(fit["tailCount"]);
      expect(spectrum.powerLaw!.xmin).toBeCloseTo(fit["xmin"]!, 12);
      expect(spectrum.powerLaw!.alpha).toBeCloseTo(fit["alpha"]!, 9);
      expect(spectrum.powerLaw!.ks).toBeCloseTo(fit["ks"]!, 9);
      expect(spectrum.powerLaw!.sigma).toBeCloseTo(fit["sigma"]!, 9);
      expect(spectrum.alphaHat).toBeCloseTo(expected["alphaHat"] as number, 9);
      const mp = expected["marchenkoPastur"] as Record<string, number>;
      expect(spectrum.marchenkoPastur.sigma2).toBeCloseTo(mp["sigma2"]!, 12);
      expect(spectrum.marchenkoPastur.lambdaPlus).toBeCloseTo(mp["lambdaPlus"]!, 12);
      expect(spectrum.marchenkoPastur.lambdaMinus).toBeCloseTo(mp["lambdaMinus"]!, 12);
      expect(spectrum.marchenkoPastur.spikes).toBe(mp["spikes"]);
      // scipy's adaptive quadrature against our Simpson rule in theta
      expect(spectrum.marchenkoPastur.ks).toBeCloseTo(mp["ks"]!, 5);
    });
  }
});

describe("random-matrix anchors", () => {
  it("a Gaussian random matrix has the Marchenko-Pastur bulk and a large alpha", () => {
    const rng = createRng("mp-gaussian");
    const rows = 400;
    const cols = 200;
    // four slices pooled, as a conv layer would be: one 400 x 200 ESD's fitted alpha scatters from 3 to 25 with the
    // seed (numpy, 8 seeds); four pooled stayed above 9
    const slices = 4;
    const re = Float64Array.from({ length: slices * rows * cols }, () => 0.3 * rng.normal());
    const { spectrum } = analyzeLayer({ rows, cols, slices, re });
    const mp = spectrum.marchenkoPastur;
    // sigma^2 = 0.09: the edges 0.09 (sqrt(400) -+ sqrt(200))^2 = 3.09 and 104.9
    expect(mp.sigma2).toBeCloseTo(0.09, 2);
    expect(mp.lambdaPlus).toBeCloseTo(0.09 * (20 + Math.sqrt(200)) ** 2, -1);
    // finite-size (Tracy-Widom) fluctuations put at most a couple of eigenvalues past the edge
    expect(mp.spikes).toBeLessThanOrEqual(4);
    expect(mp.ks).toBeLessThan(0.02);
    // no heavy tail: the best power law is steep (WeightWatcher reads alpha > 6 as random-like, under-trained)
    expect(spectrum.powerLaw!.alpha).toBeGreaterThan(6);
  });

  it("recovers alpha within 0.1 from matrices whose ESD is drawn from a known power law", () => {
    for (const alpha of [2, 3, 4]) {
      const rng = createRng(`pareto-${alpha}`);
      const m = 128;
      const slices = 16;
      const matrices: number[] = [];
      for (let s = 0; s < slices; s++) {
        // eigenvalues of W^T W drawn from p(x) ~ x^-alpha on [1, inf): x = U^(-1 / (alpha - 1))
        const singular = Array.from({ length: m }, () => Math.sqrt((1 - rng.uniform()) ** (-1 / (alpha - 1))));
        matrices.push(...randomlyRotated(singular, rng));
      }
      const { spectrum } = analyzeLayer({ rows: m, cols: m, slices, re: matrices });
      // 2048 eigenvalues: the MLE's standard error (alpha - 1) / sqrt(n_tail) is 0.02-0.07 here
      expect(Math.abs(spectrum.powerLaw!.alpha - alpha)).toBeLessThan(0.1);
    }
  });

  it("pools complex slices through their real embedding without doubling eigenvalues", () => {
    // W = [[1 + i, 0], [0, 2i]]: W^H W = diag(2, 4)
    const evals = pooledEigenvalues({ rows: 2, cols: 2, slices: 1, re: [1, 0, 0, 0], im: [1, 0, 0, 2] });
    expect(Array.from(evals)).toEqual([expect.closeTo(2, 13), expect.closeTo(4, 13)]);
  });

  it("fits a power law exactly on a hand case", () => {
    // x = 1, e, e^2: at xmin = 1, alpha = 1 + 3 / (0 + 1 + 2) = 2
    const fit = fitPowerLaw([1, Math.E, Math.E ** 2]);
    expect(fit.xmin === 1 || fit.xmin === Math.E).toBe(true);
    if (fit.xmin === 1) expect(fit.alpha).toBeCloseTo(2, 14);
  });
});

/**
 * U diag(s) V^T with U, V products of three random Householder reflections: orthogonal, so the singular values are
 * exactly s, but every entry is mixed.
 */
function randomlyRotated(s: readonly number[], rng: ReturnType<typeof createRng>): number[] {
  const m = s.length;
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) a[i * m + i] = s[i]!;
  for (let k = 0; k < 3; k++) {
    reflectRows(
      a,
      m,
      Array.from({ length: m }, () => rng.normal()),
    );
    reflectCols(
      a,
      m,
      Array.from({ length: m }, () => rng.normal()),
    );
  }
  return Array.from(a);
}

function reflectRows(a: Float64Array, m: number, v: number[]): void {
  const norm2 = v.reduce((s, x) => s + x * x, 0);
  for (let j = 0; j < m; j++) {
    let dot = 0;
    for (let i = 0; i < m; i++) dot += v[i]! * a[i * m + j]!;
    for (let i = 0; i < m; i++) a[i * m + j]! -= (2 * v[i]! * dot) / norm2;
  }
}

function reflectCols(a: Float64Array, m: number, v: number[]): void {
  const norm2 = v.reduce((s, x) => s + x * x, 0);
  for (let i = 0; i < m; i++) {
    let dot = 0;
    for (let j = 0; j < m; j++) dot += a[i * m + j]! * v[j]!;
    for (let j = 0; j < m; j++) a[i * m + j]! -= (2 * dot * v[j]!) / norm2;
  }
}
