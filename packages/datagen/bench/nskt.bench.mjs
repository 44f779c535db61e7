// NSKT solver bench: a 512^2 decaying Kraichnan turbulence run (Re 32000, k0 10, seed 1, CPU float64) to t = 1 and
// t = 2 (about 1300 steps, ~5 min on one core), the isotropic energy spectrum's log-log slope over four candidate
// enstrophy-cascade ranges (target -3 +- 0.3), and the time per SSP-RK3 step against the same scheme in numpy
// (complex128 fft2; /usr/bin/python3) measured in this run. Env: NSKT_BENCH_N (512), NSKT_BENCH_T ("1,2"),
// NSKT_BENCH_RE (32000; at 16000 the cascade range at 512^2 is shorter and the slopes steeper, see reports/).
import { createCpuSolver, energySpectrum, spectrumSlope } from "@fieldbench/datagen";
import { numpyStepMs } from "./numpy-step.mjs";

const n = Number(process.env.NSKT_BENCH_N ?? 512);
const times = (process.env.NSKT_BENCH_T ?? "1,2").split(",").map(Number);
const reynolds = Number(process.env.NSKT_BENCH_RE ?? 32000);
const ranges = [
  [10, 40],
  [15, 60],
  [20, 80],
  [30, 100],
];

const solver = createCpuSolver({ n, re: reynolds, seed: 1, k0: 10, cfl: 0.5 });
const slopes = [];
const t0 = performance.now();
for (const t of times) {
  await solver.advanceTo(t);
  const { re, im } = await solver.spectrum();
  const spectrum = energySpectrum(re, im, n);
  slopes.push({ t, steps: solver.steps, values: ranges.map(([a, b]) => spectrumSlope(spectrum, a, b)) });
}
const msPerStep = (performance.now() - t0) / solver.steps;

const numpyMs = numpyStepMs(n, reynolds);

console.log("| what | fieldbench | numpy reference | ratio |");
console.log("| --- | --- | --- | --- |");
console.log(
  `| SSP-RK3 step, ${n}^2 (3 RHS, 9 complex FFTs) | ${msPerStep.toFixed(1)} ms | ${numpyMs.toFixed(1)} ms | ${(msPerStep / numpyMs).toFixed(2)} |`,
);
console.log(`\nEnergy-spectrum slope at Re ${reynolds} (least squares of log E on log k; target -3 +- 0.3):\n`);
console.log(`| t (steps) | ${ranges.map(([a, b]) => `k in [${a}, ${b}]`).join(" | ")} |`);
console.log(`| --- | ${ranges.map(() => "---").join(" | ")} |`);
for (const row of slopes) {
  const cells = row.values.map((v) => `${v.toFixed(2)}${Math.abs(v + 3) <= 0.3 ? " (holds)" : ""}`);
  console.log(`| ${row.t} (${row.steps}) | ${cells.join(" | ")} |`);
}
