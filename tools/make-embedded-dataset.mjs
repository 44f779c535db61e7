#!/usr/bin/env node
// Makes datasets/embedded/nskt_mini: a small NSKT-like dataset in the SuperBench layout (train/ valid_1/ valid_2/
// test_1/ test_2/, one HDF5 file per split with `fields` [N, 3, 256, 256] float32, channels u, v, w), so that
// `fieldbench run superbench` works on a fresh clone with no download.
//
// What the fields are: seeded random incompressible 2-D velocity fields on the doubly periodic box [0, 2pi]^2.
// A streamfunction psi gets random phases and the energy spectrum E(k) ~ k^4 / (1 + (k/k0)^(4+3)) (a peak at k0
// and a k^-3 enstrophy-cascade tail, as 2-D Kraichnan turbulence), truncated at |k| <= 80. Then, with x along rows
// (axis 0) and y along columns (axis 1) as SuperBench's divergence stencil has them: u = dpsi/dy, v = -dpsi/dx,
// w = dv/dx - du/dy = -lap(psi), all spectrally exact, so the velocity is divergence-free. psi is scaled so that
// the velocity std matches nskt_16k's constants (0.671); w follows from the spectrum. test_2 / valid_2
// ("extrapolation") use a higher peak wavenumber than train / valid_1 / test_1. Every snapshot is seeded by
// (split, index), so the files are reproducible. This is a stand-in: the datagen package's Kraichnan solver
// will regenerate the set with real dynamics.
//
// Storage: gzip-compressed chunks of one snapshot; values are rounded to 16 significant bits of mantissa
// (relative 8e-6) before writing so the 7 snapshots fit the repository's 5 MB budget. Run after `npm run build`:
//   node tools/make-embedded-dataset.mjs [outDir]
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createRng, deriveSeed } from "@fieldbench/core";
import { writeHdf5 } from "@fieldbench/formats";

const N = 256;
const KMAX = 80;
const VELOCITY_STD = (0.67100703 + 0.67113945) / 2;
const SPLITS = { train: 1, valid_1: 1, valid_2: 1, test_1: 2, test_2: 2 };
const PEAK = { train: 6, valid_1: 6, test_1: 6, valid_2: 9, test_2: 9 };
const MANTISSA_BITS = 16;

/** Real field sum over modes |kx|,|ky| <= KMAX of Re(c e^{i(kx x + ky y)}) on the N x N grid, separably. */
function synthesize(re, im) {
  const M = 2 * KMAX + 1;
  const cos = new Float64Array(M * N);
  const sin = new Float64Array(M * N);
  for (let m = 0; m < M; m++)
    for (let j = 0; j < N; j++) {
      const phase = ((m - KMAX) * 2 * Math.PI * j) / N;
      cos[m * N + j] = Math.cos(phase);
      sin[m * N + j] = Math.sin(phase);
    }
  // g[kx][y] = sum_ky c[kx, ky] e^{i ky y}
  const gRe = new Float64Array(M * N);
  const gIm = new Float64Array(M * N);
  for (let a = 0; a < M; a++)
    for (let b = 0; b < M; b++) {
      const cr = re[a * M + b];
      const ci = im[a * M + b];
      if (cr === 0 && ci === 0) continue;
      for (let y = 0; y < N; y++) {
        const c = cos[b * N + y];
        const s = sin[b * N + y];
        gRe[a * N + y] += cr * c - ci * s;
        gIm[a * N + y] += cr * s + ci * c;
      }
    }
  const out = new Float64Array(N * N);
  for (let x = 0; x < N; x++)
    for (let a = 0; a < M; a++) {
      const c = cos[a * N + x];
      const s = sin[a * N + x];
      for (let y = 0; y < N; y++) out[x * N + y] += gRe[a * N + y] * c - gIm[a * N + y] * s;
    }
  return out;
}

function roundMantissa(value) {
  if (value === 0 || !Number.isFinite(value)) return value;
  const e = Math.floor(Math.log2(Math.abs(value)));
  const q = 2 ** (e - MANTISSA_BITS);
  return Math.round(value / q) * q;
}

function snapshot(split, index) {
  const rng = createRng(deriveSeed("nskt_mini", split, index));
  const k0 = PEAK[split];
  const M = 2 * KMAX + 1;
  const psiRe = new Float64Array(M * M);
  const psiIm = new Float64Array(M * M);
  for (let a = 0; a < M; a++)
    for (let b = 0; b < M; b++) {
      const kx = a - KMAX;
      const ky = b - KMAX;
      const k = Math.hypot(kx, ky);
      if (k === 0 || k > KMAX) continue;
      const energy = k ** 4 / (1 + (k / k0) ** 7);
      const amplitude = Math.sqrt(energy / (Math.PI * k)) / (k * k);
      const phase = 2 * Math.PI * rng.uniform();
      psiRe[a * M + b] = amplitude * Math.cos(phase) * (0.5 + rng.uniform());
      psiIm[a * M + b] = amplitude * Math.sin(phase) * (0.5 + rng.uniform());
    }
  // Derivatives in spectral space: d/dx -> i kx (x = axis 0 = first index a), d/dy -> i ky.
  const times = (fx) => {
    const re = new Float64Array(M * M);
    const im = new Float64Array(M * M);
    for (let a = 0; a < M; a++)
      for (let b = 0; b < M; b++) {
        const [fr, fi] = fx(a - KMAX, b - KMAX);
        const pr = psiRe[a * M + b];
        const pi = psiIm[a * M + b];
        re[a * M + b] = pr * fr - pi * fi;
        im[a * M + b] = pr * fi + pi * fr;
      }
    return synthesize(re, im);
  };
  const u = times((_kx, ky) => [0, ky]); // dpsi/dy
  const v = times((kx) => [0, -kx]); // -dpsi/dx
  const w = times((kx, ky) => [kx * kx + ky * ky, 0]); // -lap(psi)
  let sumSq = 0;
  for (let i = 0; i < N * N; i++) sumSq += u[i] * u[i] + v[i] * v[i];
  const scale = VELOCITY_STD / Math.sqrt(sumSq / (2 * N * N));
  const out = new Float32Array(3 * N * N);
  [u, v, w].forEach((f, c) => {
    for (let i = 0; i < N * N; i++) out[c * N * N + i] = roundMantissa(f[i] * scale);
  });
  return out;
}

const root = process.argv[2] ?? join(import.meta.dirname, "..", "datasets", "embedded", "nskt_mini");
for (const [split, count] of Object.entries(SPLITS)) {
  const dir = join(root, split);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const data = new Float32Array(count * 3 * N * N);
  for (let i = 0; i < count; i++) data.set(snapshot(split, i), i * 3 * N * N);
  await writeHdf5(
    join(dir, "nskt_mini.h5"),
    [{ name: "fields", data, shape: [count, 3, N, N], chunks: [1, 3, N, N], compression: 9 }],
    {
      title: "fieldbench nskt_mini (spectral random field stand-in for NSKT)",
      generator: "tools/make-embedded-dataset.mjs",
      split,
    },
  );
  process.stderr.write(`${split}: ${count} snapshot(s)\n`);
}
