import { checkAllocation } from "@fieldbench/core";

/**
 * How the traces of a SEG-Y file sit in space, from their inline/crossline/offset headers:
 * - `cube`: every (inline, crossline) cell holds exactly one trace, in inline- or crossline-major order;
 * - `irregular`: a grid with cells missing, duplicated or out of order (a mask says which cells hold data);
 * - `line`: a 2-D line (one inline or one crossline value);
 * - `gathers`: no usable grid (prestack offsets, headers unset, or too sparse for a grid).
 */
export type GeometryKind = "cube" | "irregular" | "line" | "gathers";

export interface SegyGeometry {
  readonly kind: GeometryKind;
  /** "inline" when crosslines vary fastest, "crossline" when inlines do, "unsorted" otherwise. */
  readonly sorting: "inline" | "crossline" | "unsorted";
  /** Distinct inline and crossline numbers, ascending. */
  readonly inlines: Int32Array;
  readonly crosslines: Int32Array;
  readonly offsets: Int32Array;
  /** For cube/irregular: [inline][crossline] -> trace index, -1 where no trace. Empty otherwise. */
  readonly traceIndex: Int32Array;
  /** Grid cells without a trace (cube/irregular). */
  readonly missing: number;
  /** Traces whose (inline, crossline, offset) repeats an earlier trace; the first one is kept in the grid. */
  readonly duplicates: number;
  /** Why the file is not a cube, in words (empty for a cube). */
  readonly reason: string;
}

/** A grid at most this many times larger than the trace count is still a (sparse) grid, not gathers. */
const MAX_GRID_INFLATION = 4;

/** Classifies trace positions; pure, so loaders and `inspect` agree on one answer. */
export function analyzeGeometry(
  inline: Int32Array,
  crossline: Int32Array,
  offset: Int32Array,
  label = "SEG-Y file",
): SegyGeometry {
  const n = inline.length;
  const inlines = distinct(inline);
  const crosslines = distinct(crossline);
  const offsets = distinct(offset);
  const base = { inlines, crosslines, offsets, traceIndex: new Int32Array(0), missing: 0, duplicates: 0 };
  const sorting = sortingOf(inline, crossline);
  if (n === 0) return { ...base, kind: "gathers", sorting, reason: "no traces" };
  if (offsets.length > 1) {
    return { ...base, kind: "gathers", sorting, reason: `${offsets.length} distinct offsets (prestack gathers)` };
  }
  if (inlines.length === 1 && crosslines.length === 1) {
    return { ...base, kind: n === 1 ? "line" : "gathers", sorting, reason: "all traces share one inline/crossline" };
  }
  if (inlines.length === 1 || crosslines.length === 1) {
    return { ...base, kind: "line", sorting, reason: "a single inline or crossline (2-D line)" };
  }
  const cells = inlines.length * crosslines.length;
  if (cells > MAX_GRID_INFLATION * n) {
    return {
      ...base,
      kind: "gathers",
      sorting,
      reason: `${inlines.length} x ${crosslines.length} grid for ${n} traces is too sparse for a cube`,
    };
  }
  checkAllocation(cells, 4, `${label}: inline/crossline grid`);
  const traceIndex = new Int32Array(cells).fill(-1);
  const ilPos = positions(inlines);
  const xlPos = positions(crosslines);
  let duplicates = 0;
  for (let t = 0; t < n; t++) {
    const cell =
      (ilPos.get(inline[t] as number) as number) * crosslines.length + (xlPos.get(crossline[t] as number) as number);
    if (traceIndex[cell] === -1) traceIndex[cell] = t;
    else duplicates++;
  }
  const missing = cells - (n - duplicates);
  const complete = missing === 0 && duplicates === 0;
  if (complete && sorting !== "unsorted") return { ...base, kind: "cube", sorting, traceIndex, reason: "" };
  const why = [
    missing > 0 ? `${missing} of ${cells} cells have no trace` : "",
    duplicates > 0 ? `${duplicates} duplicate traces` : "",
    sorting === "unsorted" ? "traces are not in inline or crossline order" : "",
  ].filter((s) => s !== "");
  return { ...base, kind: "irregular", sorting, traceIndex, missing, duplicates, reason: why.join("; ") };
}

function distinct(values: Int32Array): Int32Array {
  return Int32Array.from(new Set(values)).sort();
}

function positions(values: Int32Array): Map<number, number> {
  return new Map(Array.from(values, (v, i) => [v, i]));
}

/** Inline-major when (inline, crossline) pairs never decrease lexicographically; crossline-major likewise. */
function sortingOf(inline: Int32Array, crossline: Int32Array): "inline" | "crossline" | "unsorted" {
  let byInline = true;
  let byCrossline = true;
  for (let t = 1; t < inline.length && (byInline || byCrossline); t++) {
    const di = (inline[t] as number) - (inline[t - 1] as number);
    const dx = (crossline[t] as number) - (crossline[t - 1] as number);
    if (di < 0 || (di === 0 && dx < 0)) byInline = false;
    if (dx < 0 || (dx === 0 && di < 0)) byCrossline = false;
  }
  return byInline ? "inline" : byCrossline ? "crossline" : "unsorted";
}
