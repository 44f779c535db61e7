// NSKT solver bench: a 512^2 decaying Kraichnan turbulence run (Re 16000, k0 10, seed 1, CPU float64) to t = T,
// then the isotropic energy spectrum's log-log slope in the enstrophy-cascade range (target -3 +- 0.3), and the
// time per SSP-RK3 step against the same scheme in numpy (complex128 fft2; /usr/bin/python3) measured in this run.
// Env: NSKT_BENCH_N (512), NSKT_BENCH_T (end time), NSKT_BENCH_KMIN / NSKT_BENCH_KMAX (fit range).
import { spawnSync } from "node:child_process";
import { createCpuSolver, energySpectrum, spectrumSlope } from "@fieldbench/datagen";

const n = Number(process.env.NSKT_BENCH_N ?? 512);
const tEnd = Number(process.env.NSKT_BENCH_T ?? 2);
const kMin = Number(process.env.NSKT_BENCH_KMIN ?? 20);
const kMax = Number(process.env.NSKT_BENCH_KMAX ?? 80);

const solver = createCpuSolver({ n, re: 16000, seed: 1, k0: 10, cfl: 0.5 });
const t0 = performance.now();
await solver.advanceTo(tEnd);
const msPerStep = (performance.now() - t0) / solver.steps;
const { re, im } = await solver.spectrum();
const spectrum = energySpectrum(re, im, n);
const slope = spectrumSlope(spectrum, kMin, kMax);

const numpy = `
import numpy as np, time
n = ${n}; nu = 1 / 16000
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

const inRange = Math.abs(slope + 3) <= 0.3;
console.log(`| what | fieldbench | numpy reference | ratio |`);
console.log(`| --- | --- | --- | --- |`);
console.log(
  `| SSP-RK3 step, ${n}^2 (3 RHS, 9 complex FFTs) | ${msPerStep.toFixed(1)} ms | ${numpyMs.toFixed(1)} ms | ${(msPerStep / numpyMs).toFixed(2)} |`,
);
console.log(
  `| energy-spectrum slope, k in [${kMin}, ${kMax}], t = ${tEnd} (${solver.steps} steps) | ${slope.toFixed(2)} (target -3 +- 0.3: ${inRange ? "holds" : "DOES NOT hold"}) | | |`,
);
console.log(`\nE(k) at k = 10, 20, 40, 80: ${[10, 20, 40, 80].map((k) => spectrum[k].toExponential(3)).join(", ")}`);
