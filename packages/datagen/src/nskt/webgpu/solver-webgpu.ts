import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import { initialVorticity, spectralEnergy, spectralEnstrophy } from "../initial.js";
import { type NsktParams, maxRetainedK2, validateParams } from "../params.js";
import {
  type BatchProgress,
  type NsktBatchSolver,
  type NsktSolver,
  type StepInfo,
  batchMember,
  checkBatchParams,
} from "../solver.js";
import { openGpuDevice } from "./device.js";
import { lineFftPlan, lineFftShader, twiddleTable } from "./fft-wgsl.js";
import { DT, PACK, PREP, PRODUCT, UPDATE } from "./shaders.js";

const WORKGROUP = 256;
/** Steps encoded per submit between read-backs of the per-trajectory clocks (a read-back is a GPU round trip). */
const STEPS_PER_SUBMIT = 64;
/** f32 stand-in for "no limit" in the remaining-time slot. */
const FAR = 3e38;
const CTL_WORDS = 8;
const RK3: readonly (readonly [number, number])[] = [
  [0, 1],
  [0.75, 0.25],
  [1 / 3, 2 / 3],
];

/**
 * A batch of independent trajectories (same grid, Re, CFL and forcing; own seed or initial state) stepped together
 * by one set of dispatches: the scheme of the CPU backend (vorticity DFT, SSP-RK3, 2/3 rule, three complex 2-D FFTs
 * per right-hand side) in f32 WGSL. Per step: 3 x (two inverse 2-D FFTs, the product, one forward 2-D FFT, one
 * fused rhs + RK stage + next-prep kernel) and one dt kernel: 25 dispatches, no read-back. Each 2-D FFT is two
 * workgroup-memory passes (fft-wgsl.ts). Every trajectory has its own dt (CFL rule on the GPU, as on the CPU), so
 * trajectory k of a batch takes exactly the steps, and gives exactly the bits, of the same trajectory run alone.
 */
export async function createWebGpuBatchSolver(
  inputs: readonly NsktParams[],
  initial?: readonly ({ re: Float64Array; im: Float64Array } | undefined)[],
): Promise<NsktBatchSolver> {
  const params = checkBatchParams(inputs.map((p) => validateParams(p)));
  const p = params[0];
  const n = p.n;
  const n2 = n * n;
  const batch = params.length;
  checkAllocation(batch * n2 * 2 * 5 + 3 * n2, 4, `NSKT WebGPU solver state for ${batch} x ${n}x${n}`);
  const device = await openGpuDevice();
  const errors: string[] = [];
  device.addEventListener?.("uncapturederror", (e) =>
    errors.push(String((e as GPUUncapturedErrorEvent).error.message)),
  );
  const limit = device.limits.maxStorageBufferBindingSize;
  const bytes = batch * n2 * 8;
  if (bytes > limit) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `a batch of ${batch} trajectories at ${n}x${n} needs ${bytes} bytes per buffer; this device binds at most ${limit}: use a smaller batch`,
    );
  }

  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const owned: GPUBuffer[] = [];
  const buffer = (size: number, usage = storage) => {
    const created = device.createBuffer({ size, usage });
    owned.push(created);
    return created;
  };
  const w = buffer(bytes);
  const s = buffer(bytes);
  const a = buffer(bytes);
  const b = buffer(bytes);
  const speed = buffer(Math.max(16, batch * 4));
  const ctlBytes = batch * CTL_WORDS * 4;
  const ctl = buffer(ctlBytes);
  const ctlRead = buffer(ctlBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const packed = buffer(3 * n2 * 4);
  const packedRead = buffer(3 * n2 * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const stateRead = buffer(n2 * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const twiddle = buffer(Math.max(n, 2) * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
  device.queue.writeBuffer(twiddle, 0, twiddleTable(n));

  const state = new Float32Array(2 * n2);
  for (let k = 0; k < batch; k++) {
    const start = initial?.[k] ?? initialVorticity(n, params[k].k0, params[k].seed);
    for (let o = 0; o < n2; o++) {
      state[2 * o] = start.re[o];
      state[2 * o + 1] = start.im[o];
    }
    device.queue.writeBuffer(w, k * n2 * 8, state);
  }

  const pipeline = (code: string) =>
    device.createComputePipeline({
      layout: "auto",
      compute: { module: device.createShaderModule({ code }), entryPoint: "main" },
    });
  const uniform = (data: ArrayBuffer) => {
    const u = buffer(Math.max(16, data.byteLength), GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(u, 0, data);
    return u;
  };
  const words = (u32: number[], f32: number[] = []) => {
    const data = new ArrayBuffer(4 * (u32.length + f32.length));
    new Uint32Array(data, 0, u32.length).set(u32);
    new Float32Array(data, 4 * u32.length, f32.length).set(f32);
    return data;
  };
  const group = (pipe: GPUComputePipeline, resources: GPUBuffer[]) =>
    device.createBindGroup({
      layout: pipe.getBindGroupLayout(0),
      entries: resources.map((res, binding) => ({ binding, resource: { buffer: res } })),
    });

  const nu = 1 / p.re;
  const dx = (2 * Math.PI) / n;
  const forceValue = p.forcing ? (-p.forcing.amplitude * p.forcing.k * n2) / 2 : 0;
  const paramsUniform = uniform(
    words(
      [n, n2, batch, p.forcing?.k ?? 0],
      [
        nu,
        p.forcing?.drag ?? 0,
        forceValue,
        n / 3,
        1 / n2,
        1 / (n2 * n2),
        p.cfl * dx,
        2 / (nu * maxRetainedK2(n)),
        p.dt ?? 0,
        0,
        0,
        0,
      ],
    ),
  );

  const workgroupBytes = device.limits.maxComputeWorkgroupStorageSize;
  const rowPlan = lineFftPlan(n, "rows", workgroupBytes);
  const colPlan = lineFftPlan(n, "columns", workgroupBytes);
  const rowPipe = pipeline(lineFftShader(rowPlan));
  const colPipe = pipeline(lineFftShader(colPlan));
  const forwardU = uniform(words([0, 0, 0, 0]));
  const inverseU = uniform(words([1, 0, 0, 0]));
  const fftGroups = new Map<GPUBuffer, { rows: GPUBindGroup[]; cols: GPUBindGroup[] }>();
  for (const target of [a, b]) {
    fftGroups.set(target, {
      rows: [forwardU, inverseU].map((u) => group(rowPipe, [target, twiddle, u])),
      cols: [forwardU, inverseU].map((u) => group(colPipe, [target, twiddle, u])),
    });
  }
  const prepPipe = pipeline(PREP);
  const productPipe = pipeline(PRODUCT);
  const dtPipe = pipeline(DT);
  const updatePipe = pipeline(UPDATE);
  const packPipe = pipeline(PACK);
  const prepStep = group(prepPipe, [w, a, b, paramsUniform, uniform(words([0, 0, 0, 0]))]);
  const prepSnap = group(prepPipe, [w, a, b, paramsUniform, uniform(words([1, 0, 0, 0]))]);
  const productGroups = [1, 0].map((record) =>
    group(productPipe, [a, b, speed, paramsUniform, uniform(words([record, 0, 0, 0]))]),
  );
  const dtGroup = group(dtPipe, [speed, ctl, paramsUniform]);
  const updateGroups = RK3.map(([c0, c1], k) =>
    group(updatePipe, [w, s, a, b, ctl, paramsUniform, uniform(words([k + 1, 0], [c0, c1]))]),
  );
  const whichUniform = buffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const packGroup = group(packPipe, [a, b, packed, paramsUniform, whichUniform]);

  const elementwise = (pass: GPUComputePassEncoder, pipe: GPUComputePipeline, bind: GPUBindGroup, threads: number) => {
    const groups = Math.ceil(threads / WORKGROUP);
    const x = Math.min(groups, 32768);
    pass.setPipeline(pipe);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
  };
  const fft2d = (pass: GPUComputePassEncoder, target: GPUBuffer, inverse: boolean) => {
    const g = fftGroups.get(target);
    if (g === undefined) throw new FieldbenchError("INTERNAL", "FFT target buffer has no bind groups");
    const dir = inverse ? 1 : 0;
    pass.setPipeline(rowPipe);
    pass.setBindGroup(0, g.rows[dir]);
    pass.dispatchWorkgroups(n / rowPlan.lines, batch);
    pass.setPipeline(colPipe);
    pass.setBindGroup(0, g.cols[dir]);
    pass.dispatchWorkgroups(n / colPlan.lines, batch);
  };
  /** One SSP-RK3 step; expects a and b prepared from w (PREP or the previous step's last UPDATE). */
  const encodeStep = (pass: GPUComputePassEncoder) => {
    for (let stage = 0; stage < 3; stage++) {
      fft2d(pass, a, true);
      fft2d(pass, b, true);
      elementwise(pass, productPipe, productGroups[stage === 0 ? 0 : 1], batch * n2);
      if (stage === 0) {
        pass.setPipeline(dtPipe);
        pass.setBindGroup(0, dtGroup);
        pass.dispatchWorkgroups(Math.ceil(batch / 64));
      }
      fft2d(pass, b, false);
      elementwise(pass, updatePipe, updateGroups[stage], batch * n2);
    }
  };

  // Host copy of the clocks: time in f64 (set exactly to each target), steps as counted on the GPU.
  const times = new Float64Array(batch);
  let stepCounts: number[] = new Array(batch).fill(0);
  let lastDt: number[] = new Array(batch).fill(0);
  let lastSpeed: number[] = new Array(batch).fill(0);
  /** a and b hold PREP(w) (ready for a step); `physical` marks them as the inverse transforms of a snapshot. */
  let prepared = false;
  let physical = false;

  const check = () => {
    if (errors.length > 0) throw new FieldbenchError("WORK_FAILED", `WebGPU error: ${errors[0]}`);
  };
  const writeClocks = (remaining: number[]) => {
    const data = new ArrayBuffer(ctlBytes);
    const f = new Float32Array(data);
    const u = new Uint32Array(data);
    for (let k = 0; k < batch; k++) {
      f[k * CTL_WORDS] = remaining[k];
      u[k * CTL_WORDS + 4] = 0;
    }
    device.queue.writeBuffer(ctl, 0, data);
  };
  const readClocks = async () => {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(ctl, 0, ctlRead, 0, ctlBytes);
    device.queue.submit([enc.finish()]);
    // Waiting for the queue first: Dawn's null backend (and older drivers) resolve mapAsync only after it.
    await device.queue.onSubmittedWorkDone();
    await ctlRead.mapAsync(GPUMapMode.READ);
    const data = ctlRead.getMappedRange().slice(0);
    ctlRead.unmap();
    check();
    const f = new Float32Array(data);
    const u = new Uint32Array(data);
    return Array.from({ length: batch }, (_, k) => ({
      remaining: f[k * CTL_WORDS],
      dt: f[k * CTL_WORDS + 1],
      speed: f[k * CTL_WORDS + 2],
      steps: u[k * CTL_WORDS + 4],
    }));
  };
  /** Runs `count` steps; clocks were written beforehand. */
  const submitSteps = (count: number) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    if (!prepared) elementwise(pass, prepPipe, prepStep, batch * n2);
    prepared = true;
    physical = false;
    for (let k = 0; k < count; k++) encodeStep(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
  };

  /**
   * Advances trajectory k by remaining[k] (FAR = without limit), `count` steps at a time, reading the clocks back
   * between submits; stops when every trajectory is done or after maxSteps.
   */
  const run = async (
    remaining: number[],
    maxSteps: number,
    onProgress?: (progress: BatchProgress) => void,
  ): Promise<void> => {
    writeClocks(remaining);
    let done = 0;
    let estimate = 1;
    let before = remaining;
    while (done < maxSteps) {
      const count = Math.min(maxSteps - done, Math.max(1, Math.min(STEPS_PER_SUBMIT, estimate)));
      submitSteps(count);
      done += count;
      const clocks = await readClocks();
      for (let k = 0; k < batch; k++) {
        const ran = clocks[k].steps;
        stepCounts[k] += ran;
        if (clocks[k].dt > 0) {
          lastDt[k] = clocks[k].dt;
          lastSpeed[k] = clocks[k].speed;
        }
      }
      // Steps restart from 0 in the clocks after each read, so the counts above add up.
      const reset = new ArrayBuffer(ctlBytes);
      const fr = new Float32Array(reset);
      for (let k = 0; k < batch; k++) fr[k * CTL_WORDS] = clocks[k].remaining;
      device.queue.writeBuffer(ctl, 0, reset);
      const left = clocks.filter((c) => c.remaining > 0);
      // A device that ran nothing (Dawn's null backend, a lost device) leaves the clocks as they were or as garbage.
      const stalled = clocks.every((c, k) => c.remaining <= 0 || (c.remaining >= before[k] && c.steps === 0));
      if (left.length > 0 && (stalled || clocks.some((c) => c.steps > count))) {
        throw new FieldbenchError(
          "WORK_FAILED",
          `WebGPU solver: ${count} steps were submitted and none ran (the device executed no shaders)`,
        );
      }
      onProgress?.({
        steps: [...stepCounts],
        dt: [...lastDt],
        speed: [...lastSpeed],
        remaining: clocks.map((c) => c.remaining),
      });
      if (left.length === 0) return;
      before = clocks.map((c) => c.remaining);
      estimate = Math.max(...clocks.map((c, k) => (c.remaining > 0 ? Math.ceil(c.remaining / lastDt[k]) : 0)));
    }
  };

  const readBuffer = async (source: GPUBuffer, offset: number, target: GPUBuffer, size: number) => {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(source, offset, target, 0, size);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    await target.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(target.getMappedRange(0, size).slice(0));
    target.unmap();
    check();
    return data;
  };
  const spectrumOf = async (k: number) => {
    const data = await readBuffer(w, k * n2 * 8, stateRead, n2 * 8);
    const re = new Float64Array(n2);
    const im = new Float64Array(n2);
    for (let o = 0; o < n2; o++) {
      re[o] = data[2 * o];
      im[o] = data[2 * o + 1];
    }
    return { re, im };
  };

  return {
    backend: "webgpu",
    n,
    batch,
    times: () => [...times],
    steps: () => [...stepCounts],
    advanceTo: async (target, onProgress) => {
      // Closer than the CPU backend's tolerance counts as there, so both backends take the same steps.
      const remaining = Array.from(times, (t) => (t < target - 1e-12 * Math.max(1, target) ? target - t : 0));
      if (remaining.every((r) => r === 0)) return;
      await run(remaining, Number.POSITIVE_INFINITY, onProgress);
      times.fill(target);
    },
    step: async (maxDt = Number.POSITIVE_INFINITY) => {
      const before = [...stepCounts];
      await run(new Array(batch).fill(Math.min(maxDt, FAR)), 1);
      const info: StepInfo[] = [];
      for (let k = 0; k < batch; k++) {
        const dt = stepCounts[k] > before[k] ? lastDt[k] : 0;
        times[k] += dt;
        info.push({ dt, time: times[k], speed: lastSpeed[k] });
      }
      return info;
    },
    snapshot: async (k) => {
      if (!(Number.isInteger(k) && k >= 0 && k < batch)) {
        throw new FieldbenchError("INVALID_VALUE", `trajectory ${k} is not in a batch of ${batch}`);
      }
      const enc = device.createCommandEncoder();
      if (!physical) {
        // Velocity and vorticity of every trajectory at once; the next step re-prepares a and b.
        const pass = enc.beginComputePass();
        elementwise(pass, prepPipe, prepSnap, batch * n2);
        fft2d(pass, a, true);
        fft2d(pass, b, true);
        pass.end();
        physical = true;
        prepared = false;
      }
      device.queue.writeBuffer(whichUniform, 0, words([k, 0, 0, 0]));
      const pass2 = enc.beginComputePass();
      elementwise(pass2, packPipe, packGroup, n2);
      pass2.end();
      device.queue.submit([enc.finish()]);
      const data = await readBuffer(packed, 0, packedRead, 3 * n2 * 4);
      return { time: times[k], u: data.subarray(0, n2), v: data.subarray(n2, 2 * n2), w: data.subarray(2 * n2) };
    },
    spectrum: spectrumOf,
    dispose: () => {
      for (const buf of owned) buf.destroy();
      owned.length = 0;
      stepCounts = [];
      lastDt = [];
      lastSpeed = [];
    },
  };
}

/** One trajectory: a batch of one behind the single-run API. */
export async function createWebGpuSolver(
  input: NsktParams,
  initial?: { re: Float64Array; im: Float64Array },
): Promise<NsktSolver> {
  return batchMember(await createWebGpuBatchSolver([input], [initial]), 0, {
    energy: spectralEnergy,
    enstrophy: spectralEnstrophy,
  });
}
