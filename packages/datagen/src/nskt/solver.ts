import { FieldbenchError } from "@fieldbench/core";
import type { NsktParams } from "./params.js";

/** One snapshot in physical space, row-major [n, n] (x along rows, y along columns). */
export interface NsktSnapshot {
  time: number;
  u: Float64Array | Float32Array;
  v: Float64Array | Float32Array;
  w: Float64Array | Float32Array;
}

export interface StepInfo {
  dt: number;
  time: number;
  /** max(|u| + |v|) at the start of the step (the CFL speed). */
  speed: number;
}

export type NsktBackendName = "cpu" | "webgpu";
export const NSKT_BACKENDS: readonly NsktBackendName[] = ["cpu", "webgpu"];

/** The one API both backends implement. Methods are async so the GPU backend can read back. */
export interface NsktSolver {
  readonly backend: NsktBackendName;
  readonly n: number;
  readonly time: number;
  readonly steps: number;
  /** One RK3 step of at most maxDt. */
  step(maxDt?: number): Promise<StepInfo>;
  /** Steps until time == target exactly (the last step is shortened). */
  advanceTo(target: number, onStep?: (info: StepInfo) => void): Promise<void>;
  snapshot(): Promise<NsktSnapshot>;
  energy(): Promise<number>;
  enstrophy(): Promise<number>;
  /** The vorticity DFT (unnormalised, full complex n x n). */
  spectrum(): Promise<{ re: Float64Array; im: Float64Array }>;
  dispose(): void;
}

/** What a batch reports between submits: per trajectory, steps so far, the last dt and CFL speed, time left. */
export interface BatchProgress {
  steps: number[];
  dt: number[];
  speed: number[];
  remaining: number[];
}

/**
 * Several independent trajectories stepped together (one set of GPU dispatches for all of them on webgpu). They
 * share the grid, Re, CFL rule and forcing, and differ in seed (or initial state). Each keeps its own dt, so member
 * k follows exactly the steps it would take alone; advanceTo brings every member to the same time.
 */
export interface NsktBatchSolver {
  readonly backend: NsktBackendName;
  readonly n: number;
  readonly batch: number;
  times(): number[];
  steps(): number[];
  /** Steps every member until its time == target exactly (each member's last step is shortened). */
  advanceTo(target: number, onProgress?: (progress: BatchProgress) => void): Promise<void>;
  /** One step of at most maxDt for every member. */
  step(maxDt?: number): Promise<StepInfo[]>;
  snapshot(member: number): Promise<NsktSnapshot>;
  /** Member's vorticity DFT (unnormalised, full complex n x n). */
  spectrum(member: number): Promise<{ re: Float64Array; im: Float64Array }>;
  dispose(): void;
}

/** A batch's members must agree on everything but the seed, k0 (initial spectrum) and the initial state. */
export function checkBatchParams(params: readonly NsktParams[]): readonly NsktParams[] {
  if (params.length === 0) throw new FieldbenchError("INVALID_VALUE", "a batch needs at least one trajectory");
  const shared = (q: NsktParams) => JSON.stringify([q.n, q.re, q.cfl, q.dt ?? null, q.forcing ?? null]);
  const first = shared(params[0]);
  const odd = params.findIndex((q) => shared(q) !== first);
  if (odd >= 0) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `batch member ${odd} differs from member 0 in grid, Re, CFL, dt or forcing (${shared(params[odd])} vs ${first}); batch only trajectories that share them`,
    );
  }
  return params;
}

/** Member k of a batch behind the single-trajectory API. */
export function batchMember(
  solver: NsktBatchSolver,
  k: number,
  integrals: {
    energy: (re: Float64Array, im: Float64Array, n: number) => number;
    enstrophy: (re: Float64Array, im: Float64Array, n: number) => number;
  },
): NsktSolver {
  return {
    backend: solver.backend,
    n: solver.n,
    get time() {
      return solver.times()[k];
    },
    get steps() {
      return solver.steps()[k];
    },
    step: async (maxDt) => (await solver.step(maxDt))[k],
    advanceTo: async (target, onStep) =>
      solver.advanceTo(
        target,
        onStep === undefined
          ? undefined
          : (pr) => onStep({ dt: pr.dt[k], time: target - pr.remaining[k], speed: pr.speed[k] }),
      ),
    snapshot: () => solver.snapshot(k),
    energy: async () => {
      const sp = await solver.spectrum(k);
      return integrals.energy(sp.re, sp.im, solver.n);
    },
    enstrophy: async () => {
      const sp = await solver.spectrum(k);
      return integrals.enstrophy(sp.re, sp.im, solver.n);
    },
    spectrum: () => solver.spectrum(k),
    dispose: () => solver.dispose(),
  };
}

/** CPU batches step their members one after the other (the CPU solver is single-threaded either way). */
function cpuBatch(members: NsktSolver[]): NsktBatchSolver {
  return {
    backend: "cpu",
    n: members[0].n,
    batch: members.length,
    times: () => members.map((m) => m.time),
    steps: () => members.map((m) => m.steps),
    advanceTo: async (target, onProgress) => {
      for (const m of members) await m.advanceTo(target);
      onProgress?.({
        steps: members.map((m) => m.steps),
        dt: members.map(() => 0),
        speed: members.map(() => 0),
        remaining: members.map(() => 0),
      });
    },
    step: async (maxDt) => Promise.all(members.map((m) => m.step(maxDt))),
    snapshot: (k) => members[k].snapshot(),
    spectrum: (k) => members[k].spectrum(),
    dispose: () => {
      for (const m of members) m.dispose();
    },
  };
}

export async function createBatchSolver(
  params: readonly NsktParams[],
  backend: NsktBackendName = "cpu",
): Promise<NsktBatchSolver> {
  if (backend === "webgpu") return (await import("./webgpu/solver-webgpu.js")).createWebGpuBatchSolver(params);
  if (backend === "cpu") {
    const { createCpuSolver } = await import("./solver-cpu.js");
    return cpuBatch(checkBatchParams(params).map((q) => createCpuSolver(q)));
  }
  throw new FieldbenchError(
    "UNKNOWN_BACKEND",
    `unknown backend ${String(backend)}; use one of ${NSKT_BACKENDS.join(", ")}`,
  );
}

export async function createSolver(params: NsktParams, backend: NsktBackendName = "cpu"): Promise<NsktSolver> {
  if (backend === "cpu") return (await import("./solver-cpu.js")).createCpuSolver(params);
  if (backend === "webgpu") return (await import("./webgpu/solver-webgpu.js")).createWebGpuSolver(params);
  throw new FieldbenchError(
    "UNKNOWN_BACKEND",
    `unknown backend ${String(backend)}; use one of ${NSKT_BACKENDS.join(", ")}`,
  );
}
