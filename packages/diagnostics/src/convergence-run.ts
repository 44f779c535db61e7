import { FieldbenchError } from "@fieldbench/core";
import { createModel } from "@fieldbench/models";
import { type SplitName, resolveTask } from "@fieldbench/superbench";
import { type ConvergenceCurve, measureConvergence } from "./convergence.js";
import { readTruths, specOnGrid } from "./dataset-access.js";

export const CONVERGENCE_SCHEMA_ID = "fieldbench-convergence/1";

export interface ConvergenceOptions {
  readonly models: readonly string[];
  readonly dataset: string;
  readonly data?: string;
  /** HR edge of the files in `data` when it is not the dataset's own. */
  readonly grid?: number;
  readonly task?: string;
  readonly split?: SplitName;
  readonly limit?: number;
  readonly levels?: number;
  readonly border?: number;
  readonly cwd?: string;
  /** One line per model and level (stderr in the CLI). */
  readonly log?: (line: string) => void;
}

export interface ConvergenceResult {
  readonly schema: typeof CONVERGENCE_SCHEMA_ID;
  readonly dataset: {
    readonly key: string;
    readonly grid: number;
    readonly split: string;
    readonly snapshots: number[];
  };
  readonly task: { readonly name: string; readonly degradation: string; readonly scale: number };
  /** The region scored at every level: the central part of the domain, `border` of it left out on each side. */
  readonly region: { readonly border: number; readonly marginLrPixelsAtCoarsest: number };
  readonly curves: ConvergenceCurve[];
  readonly date: string;
}

/** Where the region's margin is under this many LR pixels, border effects of the degradation reach into it. */
const SAFE_MARGIN_LR = 4;

/** `fieldbench convergence`: every model's error on the same snapshots at `levels` grids a factor of 2 apart. */
export async function runConvergence(options: ConvergenceOptions): Promise<ConvergenceResult> {
  const spec = specOnGrid(options.dataset, options.grid);
  const task = resolveTask(options.task ?? "bicubic-x8", spec);
  if (task.degradation === "lrsim" || task.degradation === "noisy-uniform")
    throw new FieldbenchError(
      "UNSUPPORTED",
      `task ${task.name}: the convergence test degrades each level itself; use a bicubic or uniform task`,
    );
  const levels = options.levels ?? 4;
  const border = options.border ?? 0.25;
  if (!Number.isInteger(levels) || levels < 2 || levels > 8)
    throw new FieldbenchError("BAD_USAGE", `--levels must be an integer from 2 to 8, got ${levels}`);
  if (!(border >= 0 && border < 0.5))
    throw new FieldbenchError("BAD_USAGE", `--border must be in [0, 0.5), got ${border}`);
  const edge = spec.hr[0];
  const coarsest = edge / 2 ** (levels - 1);
  if (!Number.isInteger(coarsest) || coarsest / task.scale < 1)
    throw new FieldbenchError(
      "BAD_USAGE",
      `${levels} levels from ${edge}x${edge} at x${task.scale} leave no LR pixel at the coarsest level; use fewer --levels`,
    );
  const split = options.split ?? "test_1";
  const { truths, indices } = await readTruths(spec, options.data, split, options.limit, options.cwd ?? process.cwd());
  const setup = {
    scale: task.scale,
    degradation: task.degradation,
    levels,
    border,
    normalization: { mean: spec.mean, std: spec.std },
  };
  const curves: ConvergenceCurve[] = [];
  for (const name of options.models) {
    const model = await createModel(name, {
      channels: spec.channels.length,
      scale: task.scale,
      normalization: { mean: spec.mean, std: spec.std },
    });
    try {
      const curve = await measureConvergence(model, truths, spec.channels.length, edge, setup);
      for (const l of curve.levels)
        options.log?.(
          `${model.name} ${l.hr}x${l.hr} (LR ${l.lr}): ${l.rfne === null ? l.note : `rfne ${l.rfne.toFixed(5)}`}`,
        );
      curves.push(curve);
    } finally {
      await model.dispose?.();
    }
  }
  return {
    schema: CONVERGENCE_SCHEMA_ID,
    dataset: { key: spec.key, grid: edge, split, snapshots: indices },
    task: { name: task.name, degradation: task.degradation, scale: task.scale },
    region: { border, marginLrPixelsAtCoarsest: Math.round(coarsest * border) / task.scale },
    curves,
    date: new Date().toISOString(),
  };
}

/** A warning when the region's margin is too thin for the degradation's border effects at the coarsest level. */
export function convergenceWarnings(result: ConvergenceResult): string[] {
  const margin = result.region.marginLrPixelsAtCoarsest;
  return margin < SAFE_MARGIN_LR
    ? [
        `the scored region keeps ${margin} LR pixels from the border at the coarsest level (under ${SAFE_MARGIN_LR}): the degradation's truncated border taps reach into it; use fewer --levels or a larger --border`,
      ]
    : [];
}
