// Release generation on the CPU (the datagen table): a preview of nskt16k-fb-v1 with the release's own times and
// trajectory plan (default: 26 trajectories, 400 snapshots) on a small grid, then value verification of it.
// References in the same run: the numpy SSP-RK3 step times our HR step count (stepping only: numpy writes no files),
// and h5py + hashlib reading every snapshot and hashing its float32 values (what `datasets verify` does).
// Env: DATAGEN_BENCH_N (64; 128 takes ~5 min on a shared core), DATAGEN_BENCH_TRAJECTORIES ("20,2,4": train,valid,test).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateRelease, getRelease } from "@fieldbench/datagen";
import { verifyDataset } from "@fieldbench/superbench";
import { numpyStepMs } from "./numpy-step.mjs";

const n = Number(process.env.DATAGEN_BENCH_N ?? 64);
const [train, valid, test] = (process.env.DATAGEN_BENCH_TRAJECTORIES ?? "20,2,4").split(",").map(Number);
const release = getRelease("nskt16k-fb-v1");
const out = mkdtempSync(join(tmpdir(), "datagen-bench-"));
try {
  const t0 = performance.now();
  const { card } = await generateRelease({
    release,
    out,
    size: { train, valid, test },
    overrides: { size: n, lrFactor: 4 },
  });
  const wall = (performance.now() - t0) / 1000;
  const snapshots = card.files.reduce((s, f) => s + f.valueSha256.length, 0);
  const stepping = (card.msPerStep * card.steps.hr) / 1000;
  const lrN = n / 4;
  const numpyHr = numpyStepMs(n, release.params.re);
  const numpyStepping = (numpyHr * card.steps.hr) / 1000;

  const v0 = performance.now();
  const report = await verifyDataset(undefined, out);
  const verifyMs = (performance.now() - v0) / report.values.checked;
  const python = `
import h5py, glob, hashlib, sys, time
t = time.perf_counter(); count = 0
for path in sorted(glob.glob(sys.argv[1] + "/*/*.h5")):
    with h5py.File(path, "r") as f:
        for i in range(f["fields"].shape[0]):
            hashlib.sha256(f["fields"][i].astype("<f4").tobytes()).hexdigest(); count += 1
print((time.perf_counter() - t) / count * 1000)
`;
  const r = spawnSync("/usr/bin/python3", ["-c", python, out], { encoding: "utf8" });
  const pythonVerifyMs = r.status === 0 ? Number(r.stdout.trim()) : Number.NaN;

  const row = (what, ours, ref, unit) =>
    console.log(`| ${what} | ${ours.toFixed(2)} ${unit} | ${ref.toFixed(2)} ${unit} | ${(ours / ref).toFixed(2)} |`);
  console.log(
    `Release preview: nskt16k-fb-v1 plan ${train}/${valid}/${test} trajectories, ${snapshots} snapshots of ${n}^2 (+ LR ${lrN}^2), ` +
      `${card.steps.hr} HR and ${card.steps.lr} LR steps, ${wall.toFixed(1)} s wall (${((stepping / wall) * 100).toFixed(0)}% HR stepping; LR stepping, writing, ` +
      `value sha256 and statistics ${(((wall - stepping) * 1000) / snapshots).toFixed(1)} ms per snapshot), ` +
      `value verification ok: ${report.ok}\n`,
  );
  console.log("| what | fieldbench (CPU, float64) | reference | ratio |");
  console.log("| --- | --- | --- | --- |");
  row(`SSP-RK3 step, ${n}^2 (numpy complex128)`, card.msPerStep, numpyHr, "ms");
  row(`HR stepping of the whole release (numpy: step time x our ${card.steps.hr} steps)`, stepping, numpyStepping, "s");
  row("verify: read one snapshot + sha256 of its values (h5py + hashlib)", verifyMs, pythonVerifyMs, "ms");
} finally {
  rmSync(out, { recursive: true, force: true });
}
