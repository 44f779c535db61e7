/**
 * GPU-machine job `datagen-calibrate` (tools/gpu-main.mjs): the generator-parameter sweep behind the calibration to
 * SuperBench's published NSKT data. For each Re, one batch of trajectories (one per k0 and seed) is advanced
 * through --times; at each time every member is scored as `run superbench --mode compat --model bicubic-superbench`
 * scores a test snapshot (the suite's own makeLowRes / predictSnapshot / scoreSnapshot with the nskt_16k or
 * nskt_32k spec), and its channel means and standard deviations, energy, enstrophy and spectral slopes are recorded.
 * One JSON line per (Re, k0, t) goes to OUT/calibrate.jsonl as it is made, so a run cut short still reports.
 *   node .device/app/app.mjs job datagen-calibrate OUT --re 16000,32000 --k0 8,12,16,20 --times 0.5,1,2,3 [--size 2048]
 *     [--seeds 1,2] [--budget-s 400] [--forcing k,amplitude,drag] [--spectra 1]
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type NsktParams,
  createBatchSolver,
  energySpectrum,
  packSnapshot,
  spectralEnergy,
  spectralEnstrophy,
  spectrumSlope,
} from "@fieldbench/datagen";
import { scoreSnapshot } from "@fieldbench/metrics";
import { createInterpolationModel } from "@fieldbench/models";
import { getDataset, makeLowRes, predictSnapshot, resolveTask, scoreOptions } from "@fieldbench/superbench";

const out = process.argv[2] ?? ".";
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const list = (name: string, fallback: string) => arg(name, fallback).split(",").map(Number);
const log = (msg: string) => process.stderr.write(`[calibrate ${new Date().toISOString()}] ${msg}\n`);

const model = createInterpolationModel("bicubic-superbench");

/** Compat-mode RFNE of bicubic-superbench at x8 and x16, per channel and averaged, as the suite scores it. */
async function bicubicRows(hr: Float32Array, n: number, re: number) {
  const base = getDataset(re === 32000 ? "nskt_32k" : "nskt_16k");
  const spec = { ...base, hr: [n, n] as [number, number] };
  const rows: Record<string, { mean: number; perChannel: number[] }> = {};
  for (const taskName of ["bicubic-x8", "bicubic-x16"]) {
    const task = resolveTask(taskName, spec);
    const input = { spec, task, split: "test_1" as const, index: 0, hr };
    const { lr, shape } = makeLowRes(input);
    const pred = await predictSnapshot(model, lr, shape, task.scale);
    const score = await scoreSnapshot(pred, hr, [3, n, n], scoreOptions(spec, "compat", ["rfne"]));
    const perChannel = score.perChannel.map((c) => c.rfne);
    rows[taskName] = { mean: perChannel.reduce((a, b) => a + b, 0) / perChannel.length, perChannel };
  }
  return rows;
}

function moments(hr: Float32Array, n: number) {
  const n2 = n * n;
  return [0, 1, 2].map((c) => {
    let s = 0;
    let s2 = 0;
    for (let o = c * n2; o < (c + 1) * n2; o++) {
      s += hr[o];
      s2 += hr[o] * hr[o];
    }
    const mean = s / n2;
    return { mean, std: Math.sqrt(Math.max(0, s2 / n2 - mean * mean)) };
  });
}

async function main() {
  mkdirSync(out, { recursive: true });
  const n = Number(arg("size", "2048"));
  const seeds = list("seeds", arg("seed", "1"));
  const k0s = list("k0", "8,12,16,20");
  const members = k0s.flatMap((k0) => seeds.map((seed) => ({ k0, seed })));
  const times = list("times", "0.5,1,2,3");
  const budgetMs = Number(arg("budget-s", "400")) * 1000;
  const keepSpectra = arg("spectra", "1") === "1";
  const forcingArg = arg("forcing", "");
  const forcing = forcingArg
    ? (([k, amplitude, drag]) => ({ k, amplitude, drag }))(forcingArg.split(",").map(Number))
    : undefined;
  const started = performance.now();
  const file = join(out, "calibrate.jsonl");
  writeFileSync(file, "");
  for (const re of list("re", "16000,32000")) {
    const params: NsktParams[] = members.map(({ k0, seed }) => ({
      n,
      re,
      seed,
      k0,
      cfl: 0.5,
      ...(forcing ? { forcing } : {}),
    }));
    const solver = await createBatchSolver(params, "webgpu");
    for (const t of times) {
      if (performance.now() - started > budgetMs) {
        log(`budget of ${budgetMs / 1000} s spent: stopping before Re ${re}, t ${t}`);
        break;
      }
      const t0 = performance.now();
      let lastLog = 0;
      await solver.advanceTo(t, (p) => {
        if (performance.now() - lastLog > 15000) {
          lastLog = performance.now();
          log(`Re ${re} -> t ${t}: steps ${p.steps.join(",")} dt ${p.dt.map((d) => d.toExponential(2)).join(",")}`);
        }
      });
      const stepSeconds = (performance.now() - t0) / 1000;
      for (const [k, { k0, seed }] of members.entries()) {
        const r0 = performance.now();
        const snap = await solver.snapshot(k);
        const snapshotMs = performance.now() - r0;
        const hr = packSnapshot(snap);
        const spectrum = await solver.spectrum(k);
        const e = energySpectrum(spectrum.re, spectrum.im, n);
        const row = {
          re,
          k0,
          seed,
          n,
          t,
          forcing: forcing ?? null,
          steps: solver.steps()[k],
          stepSeconds,
          snapshotMs,
          bicubic: await bicubicRows(hr, n, re),
          moments: moments(hr, n),
          energy: spectralEnergy(spectrum.re, spectrum.im, n),
          enstrophy: spectralEnstrophy(spectrum.re, spectrum.im, n),
          slopes: {
            "10-30": spectrumSlope(e, 10, 30),
            "30-100": spectrumSlope(e, 30, 100),
            "100-300": spectrumSlope(e, 100, Math.min(300, n / 3 - 1)),
          },
          ...(keepSpectra ? { spectrum: Array.from(e, (v) => Number(v.toPrecision(5))) } : {}),
        };
        appendFileSync(file, `${JSON.stringify(row)}\n`);
        const b = row.bicubic;
        log(
          `Re ${re} k0 ${k0} seed ${seed} t ${t}: x8 ${b["bicubic-x8"].mean.toFixed(4)} x16 ${b["bicubic-x16"].mean.toFixed(4)} std ${row.moments.map((m) => m.std.toFixed(3)).join(",")} steps ${row.steps}`,
        );
      }
    }
    solver.dispose();
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ""}` : String(err));
  process.exit(1);
});
