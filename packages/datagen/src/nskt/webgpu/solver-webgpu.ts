import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import { initialVorticity, spectralEnergy, spectralEnstrophy } from "../initial.js";
import { type NsktParams, maxRetainedK2, validateParams } from "../params.js";
import type { NsktSnapshot, NsktSolver, StepInfo } from "../solver.js";
import { openGpuDevice } from "./device.js";
import { COMBINE, FFT_STAGE, PREP, PRODUCT, RHS } from "./shaders.js";

const WORKGROUP = 256;
/**
 * The CFL speed is read back every SPEED_EVERY steps, not every step (each readback is a full GPU round trip); dt in
 * between uses the last speed with a 10% margin.
 */
const SPEED_EVERY = 25;

/**
 * The same scheme as the CPU backend (SSP-RK3, 2/3 rule, three complex 2-D FFTs per right-hand side) in f32
 * WGSL: radix-2 Stockham FFT stages along rows then columns, element-wise kernels for the rest. The CFL speed
 * is reduced on the GPU and read back once per step (unless a fixed dt is given) to choose dt on the host.
 */
export async function createWebGpuSolver(
  input: NsktParams,
  initial?: { re: Float64Array; im: Float64Array },
): Promise<NsktSolver> {
  const p = validateParams(input);
  const n = p.n;
  const n2 = n * n;
  checkAllocation(n2 * 7, 8, `NSKT WebGPU solver state for ${n}x${n}`);
  const device = await openGpuDevice();
  const errors: string[] = [];
  device.addEventListener?.("uncapturederror", (e) =>
    errors.push(String((e as GPUUncapturedErrorEvent).error.message)),
  );

  const bytes = n2 * 8;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const owned: GPUBuffer[] = [];
  const buffer = (size: number, usage = storage) => {
    const created = device.createBuffer({ size, usage });
    owned.push(created);
    return created;
  };
  const w = buffer(bytes);
  const s = buffer(bytes);
  const r = buffer(bytes);
  const a = buffer(bytes);
  const b = buffer(bytes);
  const tmp = buffer(bytes);
  const speed = buffer(16);
  const speedRead = buffer(16, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const twiddle = buffer(Math.max(n / 2, 1) * 8, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
  const tw = new Float32Array(Math.max(n, 2));
  for (let k = 0; k < n / 2; k++) {
    tw[2 * k] = Math.cos((2 * Math.PI * k) / n);
    tw[2 * k + 1] = -Math.sin((2 * Math.PI * k) / n);
  }
  device.queue.writeBuffer(twiddle, 0, tw, 0, n);

  const start = initial ?? initialVorticity(n, p.k0, p.seed);
  const packed = new Float32Array(2 * n2);
  for (let o = 0; o < n2; o++) {
    packed[2 * o] = start.re[o];
    packed[2 * o + 1] = start.im[o];
  }
  device.queue.writeBuffer(w, 0, packed);

  const pipeline = (code: string) =>
    device.createComputePipeline({
      layout: "auto",
      compute: { module: device.createShaderModule({ code }), entryPoint: "main" },
    });
  const fftPipe = pipeline(FFT_STAGE);
  const prepPipe = pipeline(PREP);
  const productPipe = pipeline(PRODUCT);
  const rhsPipe = pipeline(RHS);
  const combinePipe = pipeline(COMBINE);

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

  // FFT: log2(n) stages along rows then log2(n) along columns, ping-ponging target <-> tmp (an even count, so
  // the result lands back in target).
  const log2n = Math.log2(n);
  const stageUniforms = (inverse: boolean) => {
    const list: GPUBuffer[] = [];
    for (const axis of [0, 1]) {
      for (let st = 0; st < log2n; st++) {
        const ns = 1 << st;
        const [lineStride, elemStride] = axis === 0 ? [n, 1] : [1, n];
        list.push(uniform(words([n, ns, lineStride, elemStride, n / (2 * ns), inverse ? 1 : 0, n, 0])));
      }
    }
    return list;
  };
  const forwardStages = stageUniforms(false);
  const inverseStages = stageUniforms(true);
  const fftGroups = new Map<GPUBuffer, { forward: GPUBindGroup[]; inverse: GPUBindGroup[] }>();
  for (const target of [a, b]) {
    const make = (stages: GPUBuffer[]) =>
      stages.map((u, idx) =>
        idx % 2 === 0 ? group(fftPipe, [target, tmp, twiddle, u]) : group(fftPipe, [tmp, target, twiddle, u]),
      );
    fftGroups.set(target, { forward: make(forwardStages), inverse: make(inverseStages) });
  }
  const prepUniform = uniform(words([n, 0, 0, 0]));
  const snapUniform = uniform(words([n, 1, 0, 0]));
  const prepW = group(prepPipe, [w, a, b, prepUniform]);
  const prepS = group(prepPipe, [s, a, b, prepUniform]);
  const prepSnap = group(prepPipe, [w, a, b, snapUniform]);
  const productGroup = group(productPipe, [a, b, speed, uniform(words([n, 0], [1 / n2, 1 / (n2 * n2)]))]);
  const forceK = p.forcing?.k ?? 0;
  const forceValue = p.forcing ? (-p.forcing.amplitude * p.forcing.k * n2) / 2 : 0;
  const rhsUniform = uniform(words([n, forceK], [1 / p.re, p.forcing?.drag ?? 0, forceValue, n / 3, 0, 0]));
  const rhsW = group(rhsPipe, [w, b, r, rhsUniform]);
  const rhsS = group(rhsPipe, [s, b, r, rhsUniform]);
  const combineUniforms = [0, 1, 2].map(() => buffer(32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST));
  const combineGroups = combineUniforms.map((u) => group(combinePipe, [w, s, r, u]));
  const RK3 = [
    [0, 1],
    [0.75, 0.25],
    [1 / 3, 2 / 3],
  ];

  const dispatch = (pass: GPUComputePassEncoder, pipe: GPUComputePipeline, bind: GPUBindGroup, threads: number) => {
    const groups = Math.ceil(threads / WORKGROUP);
    const x = Math.min(groups, 32768);
    pass.setPipeline(pipe);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
  };
  const fft2d = (pass: GPUComputePassEncoder, target: GPUBuffer, inverse: boolean) => {
    const groups = fftGroups.get(target);
    if (groups === undefined) throw new FieldbenchError("INTERNAL", "FFT target buffer has no bind groups");
    for (const g of inverse ? groups.inverse : groups.forward) dispatch(pass, fftPipe, g, n2 / 2);
  };
  /** prep -> two inverse FFTs -> product; leaves the physical nonlinear term in b. */
  const nonlinearPhysical = (pass: GPUComputePassEncoder, prep: GPUBindGroup) => {
    dispatch(pass, prepPipe, prep, n2);
    fft2d(pass, a, true);
    fft2d(pass, b, true);
    dispatch(pass, productPipe, productGroup, n2);
  };
  const finishRhs = (pass: GPUComputePassEncoder, rhsGroup: GPUBindGroup) => {
    fft2d(pass, b, false);
    dispatch(pass, rhsPipe, rhsGroup, n2);
  };

  const dx = (2 * Math.PI) / n;
  const dtViscous = 2 / ((1 / p.re) * maxRetainedK2(n));
  let time = 0;
  let steps = 0;
  let lastSpeed = 0;

  const readSpeed = async (): Promise<number> => {
    await device.queue.onSubmittedWorkDone();
    await speedRead.mapAsync(GPUMapMode.READ);
    const value = new Float32Array(speedRead.getMappedRange(), 0, 1)[0];
    speedRead.unmap();
    return value;
  };
  const check = () => {
    if (errors.length > 0) throw new FieldbenchError("WORK_FAILED", `WebGPU error: ${errors[0]}`);
  };

  const step = async (maxDt = Number.POSITIVE_INFINITY): Promise<StepInfo> => {
    let enc = device.createCommandEncoder();
    enc.clearBuffer(speed);
    let pass = enc.beginComputePass();
    nonlinearPhysical(pass, prepW);
    pass.end();
    let u = lastSpeed;
    if (p.dt === undefined && steps % SPEED_EVERY === 0) {
      enc.copyBufferToBuffer(speed, 0, speedRead, 0, 16);
      device.queue.submit([enc.finish()]);
      u = await readSpeed();
      lastSpeed = u;
      enc = device.createCommandEncoder();
    }
    // Between readbacks the speed may grow a little; a 10% margin keeps the CFL number below cfl.
    const margin = steps % SPEED_EVERY === 0 ? 1 : 1.1;
    const advective = u > 0 ? (p.cfl * dx) / (u * margin) : Number.POSITIVE_INFINITY;
    const dt = Math.min(p.dt ?? Math.min(advective, dtViscous), maxDt);
    for (const [idx, [c0, c1]] of RK3.entries()) {
      device.queue.writeBuffer(combineUniforms[idx], 0, words([n, 0], [c0, c1, dt, 0, 0, 0]));
    }
    pass = enc.beginComputePass();
    finishRhs(pass, rhsW);
    pass.end();
    enc.copyBufferToBuffer(w, 0, s, 0, bytes);
    pass = enc.beginComputePass();
    dispatch(pass, combinePipe, combineGroups[0], n2);
    for (const stage of [1, 2]) {
      nonlinearPhysical(pass, prepS);
      finishRhs(pass, rhsS);
      dispatch(pass, combinePipe, combineGroups[stage], n2);
    }
    pass.end();
    enc.copyBufferToBuffer(s, 0, w, 0, bytes);
    device.queue.submit([enc.finish()]);
    time += dt;
    steps++;
    return { dt, time, speed: u };
  };

  // Persistent staging buffers, created once.
  const staging = [0, 1].map(() => buffer(bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
  const readBuffer = async (source: GPUBuffer, slot = 0): Promise<Float32Array> => {
    const target = staging[slot];
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(source, 0, target, 0, bytes);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    await target.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(n2 * 2);
    data.set(new Float32Array(target.getMappedRange()));
    target.unmap();
    check();
    return data;
  };
  const stateF64 = async () => {
    const data = await readBuffer(w);
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
    get time() {
      return time;
    },
    get steps() {
      return steps;
    },
    step,
    advanceTo: async (target, onStep) => {
      while (time < target - 1e-12 * Math.max(1, target)) {
        // Not `onStep?.(await step())`: an optional call skips evaluating its arguments when onStep is undefined.
        const info = await step(target - time);
        onStep?.(info);
      }
      time = Math.max(time, target);
      check();
    },
    snapshot: async (): Promise<NsktSnapshot> => {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      dispatch(pass, prepPipe, prepSnap, n2);
      fft2d(pass, a, true);
      fft2d(pass, b, true);
      pass.end();
      device.queue.submit([enc.finish()]);
      const uv = await readBuffer(a);
      const wv = await readBuffer(b, 1);
      const out = { time, u: new Float32Array(n2), v: new Float32Array(n2), w: new Float32Array(n2) };
      const scale = 1 / n2;
      for (let o = 0; o < n2; o++) {
        out.u[o] = uv[2 * o] * scale;
        out.v[o] = uv[2 * o + 1] * scale;
        out.w[o] = wv[2 * o] * scale;
      }
      return out;
    },
    energy: async () => {
      const st = await stateF64();
      return spectralEnergy(st.re, st.im, n);
    },
    enstrophy: async () => {
      const st = await stateF64();
      return spectralEnstrophy(st.re, st.im, n);
    },
    spectrum: stateF64,
    dispose: () => {
      for (const b of owned) b.destroy();
      owned.length = 0;
    },
  };
}
