/**
 * GPU-machine job `datagen-bench` (tools/gpu-main.mjs): the WebGPU NSKT solver's numbers for the GPU report.
 *   1. CPU (f64) vs WebGPU (f32) at 128², 100 steps at one fixed dt: relative L2 of u, v, w;
 *   2. time per SSP-RK3 step at each --sizes, for batches of --batches trajectories: wall clock of the generation
 *      path (advanceTo, clocks read back every 64 steps), --runs runs of about --steps steps each, median and range;
 *   3. determinism and batching at the first size: a batch of 2 run twice, and its second member run alone, to
 *      t = --det-time; sha256 of the snapshot values must agree bit for bit.
 * Writes datagen-bench.json to OUT.   node .device/app/app.mjs job datagen-bench OUT [--sizes 2048,512] [--batches 1,2,4]
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBatchSolver, createCpuSolver, createSolver, type NsktSnapshot } from "@fieldbench/datagen";

const out = process.argv[2] ?? ".";
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const list = (name: string, fallback: string) => arg(name, fallback).split(",").map(Number);
const log = (msg: string) => process.stderr.write(`[datagen-bench ${new Date().toISOString()}] ${msg}\n`);

function relativeL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  let r = 0;
  for (let i = 0; i < want.length; i++) {
    d += (got[i] - want[i]) ** 2;
    r += want[i] ** 2;
  }
  return Math.sqrt(d / r);
}

function valuesSha256(s: NsktSnapshot): string {
  const h = createHash("sha256");
  for (const f of [s.u, s.v, s.w]) h.update(new Uint8Array(Float32Array.from(f).buffer));
  return h.digest("hex");
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function agreement() {
  const n = 128;
  const probe = createCpuSolver({ n, re: 16000, seed: 42, k0: 10, cfl: 0.5 });
  const dt = (0.5 * ((2 * Math.PI) / n)) / (await probe.step(0)).speed;
  const params = { n, re: 16000, seed: 42, k0: 10, cfl: 0.5, dt };
  const cpu = createCpuSolver(params);
  const gpu = await createSolver(params, "webgpu");
  await cpu.advanceTo(100 * dt);
  await gpu.advanceTo(100 * dt);
  const [c, g] = [await cpu.snapshot(), await gpu.snapshot()];
  const result = {
    n,
    steps: { cpu: cpu.steps, gpu: gpu.steps },
    dt,
    relativeL2: { u: relativeL2(g.u, c.u), v: relativeL2(g.v, c.v), w: relativeL2(g.w, c.w) },
    energy: { cpu: await cpu.energy(), gpu: await gpu.energy() },
  };
  gpu.dispose();
  return result;
}

async function timing(n: number, batch: number, runs: number, steps: number, re: number) {
  const seeds = Array.from({ length: batch }, (_, k) => k + 1);
  const solver = await createBatchSolver(
    seeds.map((seed) => ({ n, re, seed, k0: 10, cfl: 0.5 })),
    "webgpu",
  );
  await solver.advanceTo(0.01); // pipelines compiled, the flow's dt known
  const dtGuess = solver.times()[0] / Math.max(1, solver.steps()[0]);
  const perRun: number[] = [];
  const stepsPerRun: number[] = [];
  for (let r = 0; r < runs; r++) {
    const before = solver.steps();
    const t0 = performance.now();
    await solver.advanceTo(solver.times()[0] + steps * dtGuess);
    const ms = performance.now() - t0;
    // Dispatched steps: the batch runs until its slowest member is there (finished members stand still).
    const taken = Math.max(...solver.steps().map((s, k) => s - before[k]));
    perRun.push(ms / taken);
    stepsPerRun.push(taken);
  }
  const row = {
    n,
    batch,
    re,
    runs,
    stepsPerRun,
    msPerStep: { median: median(perRun), min: Math.min(...perRun), max: Math.max(...perRun) },
    msPerTrajectoryStep: median(perRun) / batch,
    dt: dtGuess,
    simulatedTime: solver.times()[0],
  };
  solver.dispose();
  return row;
}

async function determinism(n: number, time: number) {
  const params = [1, 2].map((seed) => ({ n, re: 16000, seed, k0: 10, cfl: 0.5 }));
  const runBatch = async () => {
    const s = await createBatchSolver(params, "webgpu");
    await s.advanceTo(time);
    const shas = [valuesSha256(await s.snapshot(0)), valuesSha256(await s.snapshot(1))];
    const steps = s.steps();
    s.dispose();
    return { shas, steps };
  };
  const first = await runBatch();
  const second = await runBatch();
  const alone = await createSolver(params[1], "webgpu");
  await alone.advanceTo(time);
  const aloneSha = valuesSha256(await alone.snapshot());
  const aloneSteps = alone.steps;
  alone.dispose();
  return {
    n,
    time,
    first,
    second,
    alone: { sha: aloneSha, steps: aloneSteps },
    sameTwice: first.shas.every((s, k) => s === second.shas[k]),
    batchEqualsAlone: first.shas[1] === aloneSha && first.steps[1] === aloneSteps,
  };
}

async function main() {
  mkdirSync(out, { recursive: true });
  const report: Record<string, unknown> = { date: new Date().toISOString() };
  const save = () => writeFileSync(join(out, "datagen-bench.json"), `${JSON.stringify(report, null, 2)}\n`);
  log("agreement 128²");
  report.agreement = await agreement();
  log(JSON.stringify(report.agreement));
  save();
  const rows: unknown[] = [];
  report.timing = rows;
  const sizes = list("sizes", "2048,512");
  for (const n of sizes) {
    for (const batch of list("batches", "1,2,4")) {
      const row = await timing(n, batch, Number(arg("runs", "5")), Number(arg("steps", "60")), 16000);
      rows.push(row);
      log(JSON.stringify(row));
      save();
    }
  }
  log("determinism");
  report.determinism = await determinism(sizes[0], Number(arg("det-time", "0.05")));
  log(JSON.stringify(report.determinism));
  save();
}

main().catch((err) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
});
