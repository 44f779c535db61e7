// NSKT solver bench: a 512^2 decaying Kraichnan turbulence run (Re 32000, k0 10, seed 1, CPU float64) to t = 1 and
// t = 2 (about 1300 steps, ~5 min on one core), the isotropic energy spectrum's log-log slope over four candidate
// enstrophy-cascade ranges (target -3 +- 0.3), and the time per SSP-RK3 step against the same scheme in numpy
// (complex128 fft2; /usr/bin/python3) measured in this run. Env: NSKT_BENCH_N (512), NSKT_BENCH_T ("1,2"),
// NSKT_BENCH_RE (32000; at 16000 the cascade range at 512^2 is shorter and the slopes steeper, see reports/).
import { spawnSync } from "node:child_process";
import { createCpuSolver, energySpectrum, spectrumSlope } from "@fieldbench/datagen";

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

const numpy = `
import numpy as np, time
n = ${n}; nu = 1 / ${reynolds}
k = np.fft.fftfreq(n, 1.0 / n); kx = k[:, None]; ky = k[None, :]
k2 = kx**2 + ky**2; inv = np.where(k2 == 0, 0, 1 / np.where(k2 == 0, 1, k2))
keep = (np.abs(kx) < n / 3) & (np.abs(ky) < n / 3) & (k2 > 0)
rng = np.random.default_rng(0)
w = np.fft.fft2(rng.standard_normal((n, n))) * keep
def rhs(w):
    uv = np.fft.ifft2((kx + 1j * ky) * w * inv)
    g = np.fft.ifft2((1j * kx - ky) * w)
    nl = np.fft.fft2(uv.real * g.real + uv.imag * g.imag)
    return np.where(keep, -nl - nu * k2 * w, 0)
dt = 1e-3
def step(w):
    s = w + dt * rhs(w)
    s = 0.75 * w + 0.25 * (s + dt * rhs(s))
    return w / 3 + 2 / 3 * (s + dt * rhs(s))
w = step(w)
t = time.perf_counter()
for _ in range(10): w = step(w)
print((time.perf_counter() - t) / 10 * 1000)
`;
const r = spawnSync("/usr/bin/python3", ["-c", numpy], { encoding: "utf8" });
const numpyMs = r.status === 0 ? Number(r.stdout.trim()) : Number.NaN;

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
