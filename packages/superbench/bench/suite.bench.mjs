// SuperBench suite bench: a 20-snapshot 3 x 2048 x 2048 float32 split (generated here, written as HDF5 with one
// chunk per snapshot) is evaluated snapshot by snapshot: hyperslab read, bicubic-aa x8 degrade, bicubic baseline,
// full default-mode metrics (pixel, SSIM, MS-SSIM, divergence, vorticity, spectra). Target: peak RSS under 1 GB.
// Reference times for the same steps on one snapshot come from h5py, Pillow, numpy and scikit-image in this run.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "@fieldbench/core";
import { createHdf5Writer } from "@fieldbench/formats";
import { createModel } from "@fieldbench/models";
import { scoreSnapshot } from "@fieldbench/metrics";
import { degrade, getDataset, metricsFor, openSplit, scoreOptions } from "@fieldbench/superbench";

const N = 2048;
const C = 3;
const SNAPSHOTS = Number(process.env.SUITE_BENCH_SNAPSHOTS ?? 20);
const dir = mkdtempSync(join(tmpdir(), "fieldbench-suite-bench-"));
const spec = { ...getDataset("nskt_16k") };

/** A smooth random field plus small noise, ~NSKT magnitudes; cheap to make. */
function snapshot(index) {
  const rng = createRng(index + 1);
  const out = new Float32Array(C * N * N);
  const modes = Array.from({ length: 12 }, () => [
    1 + rng.int(40),
    1 + rng.int(40),
    rng.uniform() * 6.283,
    rng.uniform() * 6.283,
  ]);
  const cx = new Float32Array(N);
  const cy = new Float32Array(N);
  for (let c = 0; c < C; c++) {
    const amp = spec.std[c];
    for (const [kx, ky, px, py] of modes) {
      for (let i = 0; i < N; i++) {
        cx[i] = Math.cos((kx * 6.283 * i) / N + px);
        cy[i] = Math.sin((ky * 6.283 * i) / N + py);
      }
      const a = (amp / Math.sqrt(modes.length)) * 1.4;
      for (let y = 0; y < N; y++) {
        const row = c * N * N + y * N;
        const ay = a * cy[y];
        for (let x = 0; x < N; x++) out[row + x] += ay * cx[x];
      }
    }
    for (let i = c * N * N; i < (c + 1) * N * N; i += 7) out[i] += 0.01 * amp * rng.normal();
  }
  return out;
}

const t0 = performance.now();
mkdirSync(join(dir, "test_1"));
const writer = await createHdf5Writer(join(dir, "test_1", "bench.h5"));
writer.createDataset({ name: "fields", dtype: "float32", shape: [SNAPSHOTS, C, N, N], chunks: [1, C, N, N] });
for (let i = 0; i < SNAPSHOTS; i++) writer.writeSlab("fields", i, snapshot(i));
await writer.close();
const makeSeconds = (performance.now() - t0) / 1000;
globalThis.gc?.();

const model = await createModel("bicubic");
const split = await openSplit(dir, "test_1", spec);
const options = scoreOptions(spec, "default");
const times = { read: 0, degrade: 0, baseline: 0, metrics: 0 };
let rfne = 0;
for (let i = 0; i < split.length; i++) {
  let t = performance.now();
  const hr = await split.readHr(i);
  times.read += performance.now() - t;
  t = performance.now();
  const lr = degrade("bicubic-aa", hr, [C, N, N], { scale: 8 });
  times.degrade += performance.now() - t;
  t = performance.now();
  const pred = await model.predict(lr, [1, C, N / 8, N / 8], { scale: 8 });
  times.baseline += performance.now() - t;
  t = performance.now();
  const score = await scoreSnapshot(pred, hr, [C, N, N], options);
  times.metrics += performance.now() - t;
  rfne += score.perChannel.reduce((s, r) => s + r.rfne, 0) / C;
}
await split.close();
const peakRssMb = process.resourceUsage().maxRSS / 1024;

// Reference: the same steps for one snapshot in Python (h5py read, Pillow resize per channel, numpy cubic
// upsampling as two matrix products, numpy pixel metrics + scikit-image SSIM per channel).
const python = String.raw`
import json, sys, time
import numpy as np, h5py
from PIL import Image
from skimage.metrics import structural_similarity
t = {}
s = time.perf_counter(); hr = h5py.File(sys.argv[1], "r")["fields"][0]; t["read"] = time.perf_counter() - s
s = time.perf_counter()
lr = np.stack([np.asarray(Image.fromarray(hr[c], mode="F").resize((256, 256), Image.BICUBIC)) for c in range(3)])
t["degrade"] = time.perf_counter() - s
def cubic(x, A=-0.75):
    x = np.abs(x)
    return np.where(x <= 1, (A + 2) * x**3 - (A + 3) * x**2 + 1, np.where(x < 2, A * x**3 - 5 * A * x**2 + 8 * A * x - 4 * A, 0))
o = np.arange(2048); x = (o + 0.5) / 8 - 0.5; x0 = np.floor(x).astype(int); U = np.zeros((2048, 256), np.float32)
for k in range(-1, 3): np.add.at(U, (o, np.clip(x0 + k, 0, 255)), cubic(x - (x0 + k)))
s = time.perf_counter(); pred = np.stack([U @ lr[c] @ U.T for c in range(3)]); t["baseline"] = time.perf_counter() - s
s = time.perf_counter()
for c in range(3):
    d = hr[c] - pred[c]; m = np.mean(d * d); a = np.mean(np.abs(d)); r = np.linalg.norm(d) / np.linalg.norm(hr[c])
    structural_similarity(hr[c], pred[c], gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=8.0)
t["metrics"] = time.perf_counter() - s
print(json.dumps(t))
`;
const ref = spawnSync("/usr/bin/python3", ["-c", python, join(dir, "test_1", "bench.h5")], { encoding: "utf8" });
const reference = ref.status === 0 ? JSON.parse(ref.stdout) : undefined;
rmSync(dir, { recursive: true, force: true });

const n = SNAPSHOTS;
const row = (what, ms, refSeconds) =>
  `| ${what} | ${ms.toFixed(0)} ms | ${refSeconds === undefined ? "-" : `${(refSeconds * 1000).toFixed(0)} ms`} | ${refSeconds === undefined ? "-" : (ms / (refSeconds * 1000)).toFixed(2)} |`;
console.log(
  `${n} snapshots of ${C}x${N}x${N} float32 (written in ${makeSeconds.toFixed(1)} s), bicubic-aa x8 -> bicubic -> default-mode metrics (${metricsFor(spec, "default").length} metrics)\n`,
);
console.log("| per snapshot | fieldbench | reference (h5py / Pillow / numpy / scikit-image) | ratio |");
console.log("| --- | --- | --- | --- |");
console.log(row("read (hyperslab)", times.read / n, reference?.read));
console.log(row("degrade bicubic-aa x8", times.degrade / n, reference?.degrade));
console.log(row("baseline bicubic x8", times.baseline / n, reference?.baseline));
console.log(
  row("metrics (ours: all default-mode; reference: mse, mae, rfne, ssim)", times.metrics / n, reference?.metrics),
);
const total = (times.read + times.degrade + times.baseline + times.metrics) / n;
console.log(
  row(
    "total",
    total,
    reference ? reference.read + reference.degrade + reference.baseline + reference.metrics : undefined,
  ),
);
console.log(
  `\npeak RSS ${peakRssMb.toFixed(0)} MB (target < 1024 MB): ${peakRssMb < 1024 ? "ok" : "OVER"}; mean rfne ${(rfne / n).toFixed(4)}`,
);
if (ref.status !== 0) console.log(`(reference failed: ${ref.stderr.split("\n").slice(-2).join(" ")})`);
// The HDF5 reader's worker thread can keep the event loop alive after close; the bench is done.
process.exit(peakRssMb < 1024 ? 0 : 1);
