#!/usr/bin/env node
// Makes datasets/embedded/nskt_mini with the datagen solver, in the SuperBench layout (one
// `nskt_mini.h5` per split with `fields` [N, 3, 256, 256] float32 u, v, w; train 1, valid_1 1, valid_2 1, test_1 2,
// test_2 2; gzip 9 chunks of one snapshot; 16 mantissa bits), snapshots from fieldbench's 2-D Kraichnan
// turbulence solver (packages/datagen: pseudo-spectral, 2/3 rule, SSP-RK3, float64), plus
// `LR_fields` [N, 3, 64, 64] from the same initial condition on the 4x coarser grid (LR-sim pairs) and `time` [N].
//
// One trajectory, Re 16000, k0 10, seed 0 (San & Staples 2012 initial spectrum, energy 1/2): snapshots at
// t = 1.0, 1.1, ..., 1.6 in time order go to train, test_1, valid_1, test_1 (the interpolation window), then
// valid_2, test_2, test_2 (later in time: extrapolation). About a minute on one core. Run after `npm run build`:
//   node tools/make-embedded-dataset-solver.mjs [outDir]      (default: datasets/embedded/nskt_mini)
// Writing over the committed set changes its test-split checksum (datasets/nskt_mini.md): update that too.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { GENERATOR_VERSION, createSolver, packSnapshot } from "@fieldbench/datagen";
import { writeHdf5 } from "@fieldbench/formats";

const N = 256;
const LR = N / 4;
const RE = 16000;
const SEED = 0;
const K0 = 10;
const T_START = 1;
const INTERVAL = 0.1;
const ORDER = ["train", "test_1", "valid_1", "test_1", "valid_2", "test_2", "test_2"];
const MANTISSA_BITS = 16;

function roundMantissa(values) {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0 || !Number.isFinite(v)) continue;
    const q = 2 ** (Math.floor(Math.log2(Math.abs(v))) - MANTISSA_BITS);
    values[i] = Math.round(v / q) * q;
  }
  return values;
}

const root = process.argv[2] ?? join(import.meta.dirname, "..", "datasets", "embedded", "nskt_mini");
const params = { n: N, re: RE, seed: SEED, k0: K0, cfl: 0.5 };
const hr = await createSolver(params, "cpu");
const lr = await createSolver({ ...params, n: LR }, "cpu");
const bySplit = new Map();
for (let k = 0; k < ORDER.length; k++) {
  const t = T_START + k * INTERVAL;
  await hr.advanceTo(t);
  await lr.advanceTo(t);
  const entry = bySplit.get(ORDER[k]) ?? { hr: [], lr: [], t: [] };
  entry.hr.push(roundMantissa(packSnapshot(await hr.snapshot())));
  entry.lr.push(roundMantissa(packSnapshot(await lr.snapshot())));
  entry.t.push(t);
  bySplit.set(ORDER[k], entry);
  process.stderr.write(`t ${t.toFixed(1)} -> ${ORDER[k]} (${hr.steps} steps)\n`);
}
for (const [split, entry] of bySplit) {
  const dir = join(root, split);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const count = entry.t.length;
  const stack = (list, n) => {
    const out = new Float32Array(count * 3 * n * n);
    for (const [i, a] of list.entries()) out.set(a, i * 3 * n * n);
    return out;
  };
  await writeHdf5(
    join(dir, "nskt_mini.h5"),
    [
      { name: "fields", data: stack(entry.hr, N), shape: [count, 3, N, N], chunks: [1, 3, N, N], compression: 9 },
      {
        name: "LR_fields",
        data: stack(entry.lr, LR),
        shape: [count, 3, LR, LR],
        chunks: [1, 3, LR, LR],
        compression: 9,
      },
      { name: "time", data: Float64Array.from(entry.t), shape: [count] },
    ],
    {
      title: "fieldbench nskt_mini (2-D Kraichnan turbulence, Re 16000, 256^2, LR-sim 64^2)",
      generator: `tools/make-embedded-dataset-solver.mjs; ${GENERATOR_VERSION}`,
      split,
      Re: RE,
      seed: SEED,
      k0: K0,
    },
  );
  process.stderr.write(`${split}: ${count} snapshot(s)\n`);
}
