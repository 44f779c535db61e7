/** Device diagnosis: which setup makes WebGPU readbacks stall? Each scenario steps a solver with a watchdog. */
import { writeSync } from "node:fs";
import { createWebGpuSolver } from "../nskt/webgpu/solver-webgpu.js";

async function withWatchdog(name: string, body: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("HANG"), 8000);
  });
  const t0 = performance.now();
  const result = await Promise.race([body().then(() => "ok"), watchdog]).catch((e) => `error ${String(e)}`);
  clearTimeout(timer);
  console.log(`${name}: ${result} (${(performance.now() - t0).toFixed(0)} ms)`);
  if (result === "HANG") process.exit(3);
}

const mode = process.argv[2] ?? "all";
const note = (m: string) => writeSync(2, `${m}\n`);
if (mode === "cfl-snap")
  await withWatchdog("20 CFL steps then snapshot", async () => {
    const s = await createWebGpuSolver({ n: 256, re: 16000, seed: 1, k0: 10, cfl: 0.5 });
    for (let k = 0; k < 20; k++) await s.step();
    note("stepped");
    await s.snapshot();
    note("snapshot done");
    s.dispose();
  });
if (mode === "adv")
  await withWatchdog("advanceTo(0.1) with step notes", async () => {
    const s = await createWebGpuSolver({ n: 256, re: 16000, seed: 1, k0: 10, cfl: 0.5 });
    await s.advanceTo(0.1, (i) => note(`t ${i.time} dt ${i.dt} speed ${i.speed}`));
    note("advanced");
    s.dispose();
  });
const params = { n: 256, re: 16000, seed: 1, k0: 10, cfl: 0.5 };
if (mode === "one" || mode === "all")
  await withWatchdog("one solver, 20 CFL steps", async () => {
    const s = await createWebGpuSolver(params);
    for (let k = 0; k < 20; k++) await s.step();
    s.dispose();
  });
if (mode === "maxdt" || mode === "all")
  await withWatchdog("one solver, advanceTo(0.1)", async () => {
    const s = await createWebGpuSolver(params);
    await s.advanceTo(0.1);
    await s.snapshot();
    s.dispose();
  });
if (mode === "two" || mode === "all")
  await withWatchdog("two solvers, 20 steps of the first", async () => {
    const a = await createWebGpuSolver(params);
    const b = await createWebGpuSolver({ ...params, n: 64 });
    for (let k = 0; k < 20; k++) await a.step();
    await b.step();
    a.dispose();
    b.dispose();
  });
if (mode === "h5" || mode === "all")
  await withWatchdog("h5wasm writer open, 20 steps", async () => {
    const { createHdf5Writer } = await import("@fieldbench/formats");
    const w = await createHdf5Writer("/tmp/probe.h5");
    const s = await createWebGpuSolver(params);
    for (let k = 0; k < 20; k++) await s.step();
    await w.abort();
    s.dispose();
  });
