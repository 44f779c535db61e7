import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCpuSolver } from "./solver-cpu.js";

describe("NSKT CPU solver", () => {
  it("Taylor-Green vortex decays as exp(-2 nu t) to 1e-6 relative", async () => {
    // w0 = 2 sin x sin y -> psi = sin x sin y, u = psi_y = sin x cos y, v = -psi_x = -cos x sin y.
    // The nonlinear term vanishes (w = 2 psi), so the exact solution is w0 exp(-2 nu t).
    const n = 64;
    const re = 100;
    const s = createCpuSolver({ n, re, seed: 0, k0: 4, cfl: 0.5 }, taylorGreenSpectrum(n));
    await s.advanceTo(2);
    const snap = await s.snapshot();
    const decay = Math.exp((-2 * 2) / re);
    let maxErr = 0;
    let maxRef = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = (2 * Math.PI * i) / n;
        const y = (2 * Math.PI * j) / n;
        const o = i * n + j;
        const want = [Math.sin(x) * Math.cos(y), -Math.cos(x) * Math.sin(y), 2 * Math.sin(x) * Math.sin(y)];
        const got = [snap.u[o], snap.v[o], snap.w[o]];
        for (let c = 0; c < 3; c++) {
          maxErr = Math.max(maxErr, Math.abs(got[c] - want[c] * decay));
          maxRef = Math.max(maxRef, Math.abs(want[c] * decay));
        }
      }
    }
    expect(s.time).toBe(2);
    expect(maxErr / maxRef).toBeLessThan(1e-6);
  });

  it("velocity stays divergence-free to round-off (checked with numpy.fft, x along rows)", async () => {
    const n = 64;
    const s = createCpuSolver({ n, re: 16000, seed: 7, k0: 4, cfl: 0.5 });
    for (let k = 0; k < 20; k++) await s.step();
    const snap = await s.snapshot();
    const dir = mkdtempSync(join(tmpdir(), "nskt-div-"));
    try {
      writeFileSync(join(dir, "u.f64"), new Uint8Array(snap.u.buffer));
      writeFileSync(join(dir, "v.f64"), new Uint8Array(snap.v.buffer));
      const script = `
import numpy as np, sys, json
d = sys.argv[1]; n = ${n}
u = np.fromfile(d + "/u.f64").reshape(n, n); v = np.fromfile(d + "/v.f64").reshape(n, n)
k = np.fft.fftfreq(n, 1.0 / n)
kx = k[:, None]; ky = k[None, :]  # x along rows (axis 0), y along columns (axis 1)
div = np.real(np.fft.ifft2(1j * kx * np.fft.fft2(u) + 1j * ky * np.fft.fft2(v)))
swapped = np.real(np.fft.ifft2(1j * ky * np.fft.fft2(u) + 1j * kx * np.fft.fft2(v)))
scale = np.sqrt(np.mean(u**2 + v**2))
print(json.dumps({"div": float(np.max(np.abs(div))), "swapped": float(np.max(np.abs(swapped))), "scale": float(scale)}))
`;
      const r = spawnSync("/usr/bin/python3", ["-c", script, dir], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      const out = JSON.parse(r.stdout) as { div: number; swapped: number; scale: number };
      expect(out.div / out.scale).toBeLessThan(1e-10);
      // The other axis convention is far from divergence-free, so the test pins the convention.
      expect(out.swapped / out.scale).toBeGreaterThan(1e-2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("energy and enstrophy never increase in a decaying run", async () => {
    const n = 64;
    const s = createCpuSolver({ n, re: 16000, seed: 3, k0: 4, cfl: 0.5 });
    let e = await s.energy();
    let z = await s.enstrophy();
    expect(e).toBeCloseTo(0.5, 12);
    for (let k = 0; k < 300; k++) {
      await s.step();
      const e2 = await s.energy();
      const z2 = await s.enstrophy();
      expect(e2).toBeLessThanOrEqual(e);
      expect(z2).toBeLessThanOrEqual(z);
      e = e2;
      z = z2;
    }
    expect(s.time).toBeGreaterThan(0.5);
  });
});

describe("NSKT CPU solver, Kolmogorov forcing", () => {
  it("spins a laminar shear flow up from rest as (1 - exp(-lambda t)) / lambda", async () => {
    // Forcing u = A sin(k y) in the x momentum, i.e. vorticity F = -A k cos(k y). A one-mode shear flow has no
    // nonlinear term, so from rest w(t) = F (1 - exp(-lambda t)) / lambda with lambda = nu k^2 + drag (by hand).
    const n = 32;
    const forcing = { k: 4, amplitude: 0.1, drag: 0.1 };
    const nu = 1 / 100;
    const zero = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
    const s = createCpuSolver({ n, re: 100, seed: 0, k0: 4, cfl: 0.5, dt: 0.01, forcing }, zero);
    await s.advanceTo(1);
    const snap = await s.snapshot();
    const lambda = nu * 16 + 0.1;
    const growth = (1 - Math.exp(-lambda)) / lambda;
    let maxErr = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const y = (2 * Math.PI * j) / n;
        const o = i * n + j;
        maxErr = Math.max(maxErr, Math.abs(snap.w[o] - -0.1 * 4 * Math.cos(4 * y) * growth));
        maxErr = Math.max(maxErr, Math.abs(snap.u[o] - 0.1 * Math.sin(4 * y) * growth), Math.abs(snap.v[o]));
      }
    }
    expect(maxErr / (0.4 * growth)).toBeLessThan(1e-8);
  });
});

function taylorGreenSpectrum(n: number): { re: Float64Array; im: Float64Array } {
  // 2 sin x sin y = -(1/2)(e^{i(x+y)} + e^{-i(x+y)} - e^{i(x-y)} - e^{-i(x-y)}): DFT -n^2/2 at (1,1), (-1,-1)
  // and +n^2/2 at (1,-1), (-1,1).
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const at = (kx: number, ky: number, value: number) => {
    re[((kx + n) % n) * n + ((ky + n) % n)] = value;
  };
  const h = (n * n) / 2;
  at(1, 1, -h);
  at(-1, -1, -h);
  at(1, -1, h);
  at(-1, 1, h);
  return { re, im };
}
