import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateNskt } from "../generate.js";
import { createCpuSolver } from "../solver-cpu.js";
import { openGpuDevice } from "./device.js";
import { lineFftPlan, lineFftShader, twiddleTable } from "./fft-wgsl.js";
import { createWebGpuBatchSolver, createWebGpuSolver } from "./solver-webgpu.js";

// The WGSL solver on a real Vulkan device: Mesa's lavapipe runs the shaders on the CPU (`npm run test:system-deps`
// installs it), so CI checks what the GPU machine checks: the float32 WebGPU solver against the float64 CPU solver,
// the workgroup-memory FFT against a direct DFT, and a batch against its members run alone.

/** Whether a device opens here (a GPU, or lavapipe): the solver's own device path, shared with the test. */
const adapter = await openGpuDevice().then(
  () => true,
  () => false,
);
const NO_ADAPTER =
  "skipped: no WebGPU adapter (no GPU and no Vulkan driver; `npm run test:system-deps` installs Mesa's lavapipe)";
const dir = mkdtempSync(join(tmpdir(), "nskt-lavapipe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function relativeL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  let r = 0;
  for (let i = 0; i < want.length; i++) {
    d += ((got[i] as number) - (want[i] as number)) ** 2;
    r += (want[i] as number) ** 2;
  }
  return Math.sqrt(d / r);
}

/** Direct O(n^2) DFT of one line in f64: the independent reference for the WGSL FFT. */
function directDft(re: number[], im: number[], inverse: boolean): { re: number[]; im: number[] } {
  const n = re.length;
  const sign = inverse ? 1 : -1;
  const out = { re: new Array<number>(n).fill(0), im: new Array<number>(n).fill(0) };
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const t = (sign * 2 * Math.PI * ((k * j) % n)) / n;
      out.re[k] += re[j] * Math.cos(t) - im[j] * Math.sin(t);
      out.im[k] += re[j] * Math.sin(t) + im[j] * Math.cos(t);
    }
  }
  return out;
}

/** Runs one line-FFT pass of the solver on `data` (batch x n x n complex, interleaved) and reads it back. */
async function runLineFft(n: number, batch: number, axis: "rows" | "columns", inverse: boolean, data: Float32Array) {
  const device = await openGpuDevice();
  const plan = lineFftPlan(n, axis, device.limits.maxComputeWorkgroupStorageSize);
  const pipe = device.createComputePipeline({
    layout: "auto",
    compute: { module: device.createShaderModule({ code: lineFftShader(plan) }), entryPoint: "main" },
  });
  const buf = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | 12 });
  const tw = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const u = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const read = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.MAP_READ | 8 });
  device.queue.writeBuffer(buf, 0, data);
  device.queue.writeBuffer(tw, 0, twiddleTable(n));
  device.queue.writeBuffer(u, 0, new Uint32Array([inverse ? 1 : 0, 0, 0, 0]));
  const bind = device.createBindGroup({
    layout: pipe.getBindGroupLayout(0),
    entries: [buf, tw, u].map((b, binding) => ({ binding, resource: { buffer: b } })),
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(n / plan.lines, batch);
  pass.end();
  enc.copyBufferToBuffer(buf, 0, read, 0, data.byteLength);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [buf, tw, u, read]) b.destroy();
  return out;
}

describe.skipIf(!adapter)(`WebGPU solver on a real device${adapter ? "" : ` (${NO_ADAPTER})`}`, () => {
  it.each([
    [16, "rows", false],
    [64, "columns", false],
    [64, "rows", true],
    [128, "columns", true],
  ] as const)("the %i-point workgroup FFT along %s (inverse %s) matches a direct DFT", async (n, axis, inverse) => {
    const batch = 2;
    const data = new Float32Array(batch * n * n * 2);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) + Math.cos(i * i * 0.011);
    const out = await runLineFft(n, batch, axis, inverse, data);
    // Every line of both trajectories: rows are f[b, i, :], columns f[b, :, j].
    let err = 0;
    let ref = 0;
    for (let b = 0; b < batch; b++) {
      for (let line = 0; line < n; line++) {
        const at = (e: number) => b * n * n + (axis === "rows" ? line * n + e : e * n + line);
        const re = Array.from({ length: n }, (_, e) => data[2 * at(e)]);
        const im = Array.from({ length: n }, (_, e) => data[2 * at(e) + 1]);
        const want = directDft(re, im, inverse);
        for (let e = 0; e < n; e++) {
          err += (out[2 * at(e)] - want.re[e]) ** 2 + (out[2 * at(e) + 1] - want.im[e]) ** 2;
          ref += want.re[e] ** 2 + want.im[e] ** 2;
        }
      }
    }
    expect(Math.sqrt(err / ref)).toBeLessThan(1e-6);
  });

  it("agrees with the CPU solver to 1e-4 relative in u, v and w after 100 steps at 128², Re 16000", async () => {
    const probe = createCpuSolver({ n: 128, re: 16000, seed: 42, k0: 10, cfl: 0.5 });
    const dt = (0.5 * ((2 * Math.PI) / 128)) / (await probe.step(0)).speed; // CFL 0.5 at the initial speed
    const params = { n: 128, re: 16000, seed: 42, k0: 10, cfl: 0.5, dt };
    const cpu = createCpuSolver(params);
    const gpu = await createWebGpuSolver(params);
    await cpu.advanceTo(100 * dt);
    await gpu.advanceTo(100 * dt);
    expect(gpu.steps).toBe(100);
    const [c, g] = [await cpu.snapshot(), await gpu.snapshot()];
    for (const f of ["u", "v", "w"] as const) expect(relativeL2(g[f], c[f]), f).toBeLessThan(1e-4);
    // And the flow moved: the fields after 100 steps differ from the initial ones by far more than that.
    const initial = await createCpuSolver(params).snapshot();
    expect(relativeL2(c.w, initial.w)).toBeGreaterThan(1e-2);
    gpu.dispose();
  }, 180_000);

  it("with the CFL rule on the GPU, stops exactly at the target after the CPU solver's number of steps", async () => {
    const params = { n: 32, re: 16000, seed: 3, k0: 4, cfl: 0.5 };
    const cpu = createCpuSolver(params);
    const gpu = await createWebGpuSolver(params);
    let calls = 0;
    await cpu.advanceTo(0.2);
    await gpu.advanceTo(0.2, () => calls++);
    expect(gpu.time).toBe(0.2);
    expect(calls).toBeGreaterThan(0);
    // dt = cfl dx / max(|u| + |v|) in f32 on the GPU and f64 on the CPU: the same count, or one off at a boundary.
    expect(Math.abs(gpu.steps - cpu.steps)).toBeLessThanOrEqual(1);
    expect(cpu.steps).toBeGreaterThan(5);
    const [c, g] = [await cpu.snapshot(), await gpu.snapshot()];
    expect(relativeL2(g.w, c.w)).toBeLessThan(1e-4);
    gpu.dispose();
  }, 60_000);

  it("a batch gives bit-for-bit the fields and step counts of its members run alone", async () => {
    const base = { n: 32, re: 16000, k0: 4, cfl: 0.5 };
    const seeds = [5, 6, 7];
    const batch = await createWebGpuBatchSolver(seeds.map((seed) => ({ ...base, seed })));
    await batch.advanceTo(0.1);
    await batch.advanceTo(0.25);
    for (const [k, seed] of seeds.entries()) {
      const alone = await createWebGpuSolver({ ...base, seed });
      await alone.advanceTo(0.1);
      await alone.advanceTo(0.25);
      const [x, y] = [await batch.snapshot(k), await alone.snapshot()];
      expect(batch.steps()[k]).toBe(alone.steps);
      for (const f of ["u", "v", "w"] as const)
        expect(
          Buffer.from(x[f].buffer, x[f].byteOffset, x[f].byteLength).equals(
            Buffer.from(y[f].buffer, y[f].byteOffset, y[f].byteLength),
          ),
          `seed ${seed} ${f}`,
        ).toBe(true);
      alone.dispose();
    }
    // The members are different flows, so equality above is not a batch copying one trajectory into all.
    expect(relativeL2((await batch.snapshot(0)).w, (await batch.snapshot(1)).w)).toBeGreaterThan(0.5);
    batch.dispose();
  }, 60_000);

  it("generateNskt with --backend webgpu writes all five splits", async () => {
    const card = await generateNskt({
      out: join(dir, "gpu"),
      re: 16000,
      size: 64,
      snapshots: 10,
      seed: 1,
      backend: "webgpu",
      tStart: 0.02,
      interval: 0.01,
    });
    expect(card.files).toHaveLength(5);
    expect(card.parameters.backend).toBe("webgpu");
    expect(card.splits.test_2.times.at(-1)).toBeCloseTo(0.11, 12);
  }, 60_000);
});
