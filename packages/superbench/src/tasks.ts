import { FieldbenchError } from "@fieldbench/core";
import type { DatasetSpec } from "./datasets.js";
import type { DegradeMethod } from "./degrade/index.js";

/** SuperBench tasks by CLI name (docs/superbench.md): the degradation follows the dataset for the bicubic tasks. */
export const TASK_NAMES = [
  "bicubic-x8",
  "bicubic-x16",
  "uniform-x8",
  "noisy-uniform-5-x8",
  "noisy-uniform-10-x8",
  "lrsim",
] as const;
export type TaskName = (typeof TASK_NAMES)[number];
export const DEFAULT_TASK: TaskName = "bicubic-x8";

export interface Task {
  readonly name: TaskName;
  readonly degradation: DegradeMethod | "lrsim";
  readonly scale: number;
  /** noisy-uniform: noise std as a fraction of the channel std. */
  readonly noiseRatio?: number;
}

export function isTaskName(name: string): name is TaskName {
  return (TASK_NAMES as readonly string[]).includes(name);
}

/** Resolves a task for a dataset; lrsim only exists for the LR-sim variants, the others only for the rest. */
export function resolveTask(name: string, spec: DatasetSpec): Task {
  if (!isTaskName(name)) {
    throw new FieldbenchError("UNKNOWN_TASK", `unknown task "${name}" (known: ${TASK_NAMES.join(", ")})`);
  }
  if (name === "lrsim") {
    if (spec.lrSimScale === undefined) {
      throw new FieldbenchError(
        "UNKNOWN_TASK",
        `task lrsim needs an LR-sim dataset (nskt_16k_sim_4, nskt_32k_sim_4, cosmo_sim_8), not ${spec.key}`,
      );
    }
    return { name, degradation: "lrsim", scale: spec.lrSimScale };
  }
  switch (name) {
    case "bicubic-x8":
      return { name, degradation: spec.bicubicMethod, scale: 8 };
    case "bicubic-x16":
      return { name, degradation: spec.bicubicMethod, scale: 16 };
    case "uniform-x8":
      return { name, degradation: "uniform", scale: 8 };
    case "noisy-uniform-5-x8":
      return { name, degradation: "noisy-uniform", scale: 8, noiseRatio: 0.05 };
    case "noisy-uniform-10-x8":
      return { name, degradation: "noisy-uniform", scale: 8, noiseRatio: 0.1 };
  }
}
