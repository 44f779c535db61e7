import { FieldbenchError } from "@fieldbench/core";
import { type DatasetSpec, type SplitName, getDataset, openSplit, resolveDataRoot } from "@fieldbench/superbench";

/**
 * A dataset spec for files on another square grid than the spec's (a fieldbench-generated NSKT set at 1024², say):
 * same channels and normalisation constants, the grid and the divergence stencil's spacing follow the files.
 */
export function specOnGrid(key: string, grid: number | undefined): DatasetSpec {
  const spec = getDataset(key);
  if (grid === undefined || grid === spec.hr[0]) return spec;
  if (!Number.isInteger(grid) || grid < 8)
    throw new FieldbenchError("BAD_USAGE", `--grid must be an integer edge of at least 8 pixels, got ${grid}`);
  if (spec.hr[0] !== spec.hr[1])
    throw new FieldbenchError("UNSUPPORTED", `--grid needs a square dataset; ${spec.key} is ${spec.hr.join("x")}`);
  return {
    ...spec,
    hr: [grid, grid],
    storedRows: grid,
    ...(spec.gridSpacing === undefined ? {} : { gridSpacing: (spec.gridSpacing * spec.hr[0]) / grid }),
  };
}

/** The HR snapshots [C, H, W] of one split: the first `limit` of them (all when undefined). */
export async function readTruths(
  spec: DatasetSpec,
  data: string | undefined,
  split: SplitName,
  limit: number | undefined,
  cwd: string,
): Promise<{ root: string; truths: Float32Array[]; indices: number[] }> {
  const root = resolveDataRoot(spec, data, cwd);
  const reader = await openSplit(root, split, spec);
  try {
    const count = limit === undefined ? reader.length : Math.min(limit, reader.length);
    const indices = Array.from({ length: count }, (_, i) => i);
    const truths: Float32Array[] = [];
    for (const i of indices) truths.push(await reader.readHr(i));
    return { root, truths, indices };
  } finally {
    await reader.close();
  }
}
