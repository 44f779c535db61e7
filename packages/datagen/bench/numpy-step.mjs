// The reference for the NSKT benches: the same SSP-RK3 step (3 right-hand sides, 9 complex FFTs) in numpy
// (complex128 fft2; Debian's /usr/bin/python3), timed over 10 steps after one warm-up step.
import { spawnSync } from "node:child_process";

/** Milliseconds per numpy SSP-RK3 step on an n x n grid (NaN when python3 or numpy is missing). */
export function numpyStepMs(n, reynolds) {
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
  return r.status === 0 ? Number(r.stdout.trim()) : Number.NaN;
}
