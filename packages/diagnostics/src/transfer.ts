import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import { scoreSnapshot } from "@fieldbench/metrics";
import { type Model, createModel } from "@fieldbench/models";
import {
  type DatasetSpec,
  type Task,
  type TestSplit,
  TEST_SPLITS,
  degrade,
  makeLowRes,
  openSplit,
  predictSnapshot,
  resolveDataRoot,
  resolveTask,
  scoreOptions,
} from "@fieldbench/superbench";
import { specOnGrid } from "./dataset-access.js";

export const TRANSFER_SCHEMA_ID = "fieldbench-transfer/1";

/** One column of the matrix: a dataset (and its files), a task and a test split. */
export interface TransferCondition {
  readonly dataset: string;
  readonly data?: string;
  readonly grid?: number;
  readonly task: string;
  readonly split: TestSplit;
}

export interface TransferCell {
  /** What ran: a registry name takes the model built for each task's scale, so a row can hold several packages. */
  readonly model: { readonly name: string; readonly version: string; readonly integrity: string };
  /** Mean RFNE over (snapshot, channel), as `run superbench` reports it; null when the model cannot take the input. */
  readonly rfne: number | null;
  /** rfne / the same model's rfne under the reference (in-distribution) condition: 1 on the diagonal. */
  readonly ratio: number | null;
  readonly snapshots: number;
  readonly note?: string;
}

export interface TransferResult {
  readonly schema: typeof TRANSFER_SCHEMA_ID;
  readonly conditions: (TransferCondition & { readonly label: string })[];
  /** Index of the in-distribution condition every ratio divides by. */
  readonly reference: number;
  /** Rows: a registry name as given, or a package's name; `scale` is a package's own (null: each task's). */
  readonly models: { readonly name: string; readonly scale: number | null }[];
  /** cells[model][condition]. */
  readonly cells: TransferCell[][];
  readonly limit: number | null;
  readonly date: string;
}

export interface TransferOptions {
  readonly models: readonly string[];
  readonly conditions: readonly TransferCondition[];
  readonly reference?: number;
  readonly limit?: number;
  readonly cwd?: string;
  readonly log?: (line: string) => void;
}

export function conditionLabel(c: TransferCondition): string {
  return `${c.dataset}${c.grid === undefined ? "" : `@${c.grid}`} ${c.task} ${c.split}`;
}

/**
 * `fieldbench transfer`: every model under every condition (Subramanian et al., NeurIPS 2023, arXiv:2306.00258:
 * physics knobs such as the Reynolds number, interpolation against extrapolation in time, one degradation against
 * another). Each cell is the SuperBench protocol of `run superbench` (the task's degradation of the whole HR field,
 * tiled prediction, RFNE per (snapshot, channel) on z-scored data, arithmetic mean), so the reference column
 * reproduces the in-distribution results. A model built for a smaller scale than the task's (an x8 package on x16
 * input) is scored against the truth reduced to its output's grid, where the ratio is a power of two.
 */
export async function runTransfer(options: TransferOptions): Promise<TransferResult> {
  const reference = options.reference ?? 0;
  if (options.conditions.length === 0) throw new FieldbenchError("BAD_USAGE", "transfer needs at least one condition");
  if (!Number.isInteger(reference) || reference < 0 || reference >= options.conditions.length)
    throw new FieldbenchError(
      "BAD_USAGE",
      `the reference condition ${reference} is not one of the ${options.conditions.length}`,
    );
  const cwd = options.cwd ?? process.cwd();
  const resolved = options.conditions.map((c) => {
    if (!(TEST_SPLITS as readonly string[]).includes(c.split))
      throw new FieldbenchError("BAD_USAGE", `split ${c.split} is not a test split (${TEST_SPLITS.join(", ")})`);
    const spec = specOnGrid(c.dataset, c.grid);
    return { condition: c, spec, task: resolveTask(c.task, spec), root: resolveDataRoot(spec, c.data, cwd) };
  });
  const models: { name: string; scale: number | null }[] = [];
  const rfne: (TransferCell & { ratio: null })[][] = [];
  for (const name of options.models) {
    const row: (TransferCell & { ratio: null })[] = [];
    const scale = packageScale(name, cwd);
    let label = name;
    for (const { condition, spec, task, root } of resolved) {
      const model = await createModel(name, {
        channels: spec.channels.length,
        scale: scale ?? task.scale,
        normalization: { mean: spec.mean, std: spec.std },
      });
      if (scale !== null) label = model.name;
      try {
        const cell = {
          model: { name: model.name, version: model.version, integrity: model.integrity },
          ...(await scoreCell(model, scale ?? task.scale, spec, task, root, condition.split, options.limit)),
        };
        options.log?.(
          `${model.name} | ${conditionLabel(condition)}: ${cell.rfne === null ? cell.note : `rfne ${cell.rfne.toFixed(5)}`}`,
        );
        row.push(cell);
      } finally {
        await model.dispose?.();
      }
    }
    models.push({ name: label, scale });
    rfne.push(row);
  }
  const cells = rfne.map((row) =>
    row.map((cell) => {
      const ref = row[reference]!.rfne;
      return { ...cell, ratio: cell.rfne === null || ref === null || ref === 0 ? null : cell.rfne / ref };
    }),
  );
  return {
    schema: TRANSFER_SCHEMA_ID,
    conditions: options.conditions.map((c) => ({ ...c, label: conditionLabel(c) })),
    reference,
    models,
    cells,
    limit: options.limit ?? null,
    date: new Date().toISOString(),
  };
}

/** The scale a model package was built for (its package.json's fieldbench.scale); null for registry names. */
function packageScale(name: string, cwd: string): number | null {
  if (!(name.includes("/") || name.startsWith("."))) return null;
  try {
    const pkg = JSON.parse(readFileSync(join(resolve(cwd, name), "package.json"), "utf8")) as {
      fieldbench?: { scale?: unknown };
    };
    const scale = pkg.fieldbench?.scale;
    return typeof scale === "number" && Number.isInteger(scale) && scale > 0 ? scale : null;
  } catch {
    return null;
  }
}

async function scoreCell(
  model: Model,
  modelScale: number,
  spec: DatasetSpec,
  task: Task,
  root: string,
  split: TestSplit,
  limit: number | undefined,
): Promise<Omit<TransferCell, "model"> & { ratio: null }> {
  const reduce = task.scale / modelScale;
  if (!Number.isInteger(reduce) || reduce < 1 || (reduce & (reduce - 1)) !== 0)
    return { rfne: null, ratio: null, snapshots: 0, note: `an x${modelScale} model cannot take x${task.scale} input` };
  const reader = await openSplit(root, split, spec, { needLr: task.degradation === "lrsim" });
  try {
    const count = limit === undefined ? reader.length : Math.min(limit, reader.length);
    const [h, w] = spec.hr;
    const c = spec.channels.length;
    const options = scoreOptions(spec, "default", ["rfne"]);
    let sum = 0;
    for (let index = 0; index < count; index++) {
      const hr = await reader.readHr(index);
      const lr = task.degradation === "lrsim" ? await reader.readLr(index) : undefined;
      const low = makeLowRes({ spec, task, split, index, hr, ...(lr ? { lr } : {}) });
      const pred = await predictSnapshot(model, low.lr, low.shape, modelScale);
      const truth = reduce === 1 ? hr : degrade("bicubic-aa", hr, [c, h, w], { scale: reduce });
      const shape: [number, number, number] = [c, h / reduce, w / reduce];
      const score = await scoreSnapshot(pred, truth, shape, options);
      sum += score.perChannel.reduce((s, r) => s + r["rfne"]!, 0) / c;
    }
    return { rfne: count === 0 ? null : sum / count, ratio: null, snapshots: count };
  } finally {
    await reader.close();
  }
}
