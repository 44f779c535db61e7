/**
 * Device entry point (bundled into .device/app.mjs, run on the GPU machine):
 *   1. CPU (f64) vs WebGPU (f32) agreement on a 128^2 run, 100 steps at one fixed dt, relative L2 per field;
 *   2. WebGPU time per step at the generation size (default 2048^2) for Re 16000 and 32000.
 * Writes compare.json and prints a markdown summary. Usage: node .device/app.mjs --out DIR [--size 2048]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCpuSolver } from "../nskt/solver-cpu.js";
import { createWebGpuSolver } from "../nskt/webgpu/solver-webgpu.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function log(msg: string): void {
  process.stderr.write(`[compare] ${msg}\n`);
}

function relativeL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  let r = 0;
  for (let i = 0; i < want.length; i++) {
    d += (got[i] - want[i]) ** 2;
    r += want[i] ** 2;
  }
  return Math.sqrt(d / r);
}

async function agreement(n: number, steps: number, re: number, seed: number) {
  log("agreement: cpu solver");
  const cpu = createCpuSolver({ n, re, seed, k0: 10, cfl: 0.5 });
  const first = await cpu.step(0); // zero-length step: measures the initial CFL speed only
  const dt = (0.5 * ((2 * Math.PI) / n)) / first.speed;
  const fixed = { n, re, seed, k0: 10, cfl: 0.5, dt };
  const c = createCpuSolver(fixed);
  log("agreement: webgpu solver");
  const g = await createWebGpuSolver(fixed);
  log("agreement: snapshots");
  const initialC = await c.snapshot();
  const initialG = await g.snapshot();
  const atStart = ["u", "v", "w"].map((f) =>
    relativeL2(initialG[f as "u"] as ArrayLike<number>, initialC[f as "u"] as ArrayLike<number>),
  );
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) await c.step();
  const cpuMs = (performance.now() - t0) / steps;
  const t1 = performance.now();
  for (let k = 0; k < steps; k++) await g.step();
  const gs = await g.snapshot();
  const gpuMs = (performance.now() - t1) / steps;
  const cs = await c.snapshot();
  const after = ["u", "v", "w"].map((f) =>
    relativeL2(gs[f as "u"] as ArrayLike<number>, cs[f as "u"] as ArrayLike<number>),
  );
  const energy = { cpu: await c.energy(), gpu: await g.energy() };
  g.dispose();
  return {
    n,
    steps,
    re,
    seed,
    dt,
    time: c.time,
    relativeL2AtStart: atStart,
    relativeL2After: after,
    energy,
    cpuMsPerStep: cpuMs,
    gpuMsPerStep: gpuMs,
  };
}

async function timing(n: number, re: number, steps: number) {
  const g = await createWebGpuSolver({ n, re, seed: 1, k0: 10, cfl: 0.5 });
  await g.step(); // warm-up: pipeline compilation
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) await g.step();
  await g.energy(); // waits for the queue
  const ms = (performance.now() - t0) / steps;
  const e = await g.energy();
  g.dispose();
  return { n, re, steps, msPerStep: ms, simulatedTime: g.time, energy: e };
}

async function main(): Promise<void> {
  const out = arg("out", ".");
  const size = Number(arg("size", "2048"));
  mkdirSync(out, { recursive: true });
  const report: Record<string, unknown> = { date: new Date().toISOString() };
  report.agreement = await agreement(128, 100, 16000, 42);
  console.log(JSON.stringify(report.agreement));
  report.timing = [];
  for (const re of [16000, 32000]) {
    const t = await timing(size, re, 50);
    (report.timing as unknown[]).push(t);
    console.log(JSON.stringify(t));
  }
  writeFileSync(join(out, "compare.json"), `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
