import { FieldbenchError } from "@fieldbench/core";
import type { Selection } from "./types.js";

export interface NormalizedRange {
  readonly start: number;
  readonly stop: number;
}

/**
 * Turns a Selection into one [start, stop) range per dim, validated against the shape. An index `i`
 * becomes [i, i+1]: the dim is kept with extent 1, so every reader returns the same rank it stores.
 */
export function normalizeSelection(
  shape: readonly number[],
  selection: Selection | undefined,
  name: string,
): NormalizedRange[] {
  if (selection !== undefined && selection.length > shape.length) {
    throw new FieldbenchError(
      "BAD_USAGE",
      `selection on ${name} has ${selection.length} entries for ${shape.length} dims`,
    );
  }
  return shape.map((extent, axis) => {
    const sel = selection?.[axis] ?? null;
    if (sel === null) return { start: 0, stop: extent };
    if (typeof sel === "number") {
      const index = sel < 0 ? extent + sel : sel;
      if (!Number.isInteger(index) || index < 0 || index >= extent) {
        throw new FieldbenchError("BAD_USAGE", `index ${sel} is outside dim ${axis} of ${name} (extent ${extent})`);
      }
      return { start: index, stop: index + 1 };
    }
    const [start, stop] = sel;
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > extent || start > stop) {
      throw new FieldbenchError(
        "BAD_USAGE",
        `range [${start}, ${stop}) is outside dim ${axis} of ${name} (extent ${extent})`,
      );
    }
    return { start, stop };
  });
}

export function selectionShape(ranges: readonly NormalizedRange[]): number[] {
  return ranges.map((r) => r.stop - r.start);
}
