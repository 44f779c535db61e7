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

export async function createSolver(params: NsktParams, backend: NsktBackendName = "cpu"): Promise<NsktSolver> {
  if (backend === "cpu") return (await import("./solver-cpu.js")).createCpuSolver(params);
  if (backend === "webgpu") return (await import("./webgpu/solver-webgpu.js")).createWebGpuSolver(params);
  throw new FieldbenchError(
    "UNKNOWN_BACKEND",
    `unknown backend ${String(backend)}; use one of ${NSKT_BACKENDS.join(", ")}`,
  );
}
