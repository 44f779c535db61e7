import { FieldbenchError } from "@fieldbench/core";
import { scoreSnapshot } from "@fieldbench/metrics";
import type { Model } from "@fieldbench/models";
import { type DegradeMethod, degrade, predictSnapshot } from "@fieldbench/superbench";

/**
 * The numerical convergence test of ContinuousNet (Queiruga, Erichson, Taylor and Mahoney, arXiv:2008.02389;
 * Krishnapriyan et al., Comm. Phys. 2023, arXiv:2202.08494), for super-resolution: the same physical fields are
 * presented on grids refined by factors of 2, always at the model's own scale factor, and the error is measured on
 * the same physical region at each. A method that learned the continuous field converges (its error falls as h^p,
 * p > 0, as a numerical interpolant's does); one that learned the pixels of its training grid does not.
 */
export interface ConvergenceLevel {
  /** HR grid edge at this level (finest first). */
  readonly hr: number;
  /** LR grid edge the model sees. */
  readonly lr: number;
  /** Grid spacing of the HR grid on the unit domain: 1 / hr. */
  readonly h: number;
  /** Mean RFNE over (snapshot, channel) in the region; null where the model cannot take this LR size. */
  readonly rfne: number | null;
  readonly perSnapshot: (number | null)[];
  /** Why there is no number (a fixed tile larger than the LR field). */
  readonly note?: string;
}

export interface ConvergenceOrder {
  /** Slope p of log RFNE against log h by least squares: RFNE ~ h^p. */
  readonly estimate: number;
  /** 95% interval from the slope's standard error and Student's t with (levels - 2) degrees of freedom. */
  readonly ci95: readonly [number, number] | null;
  readonly levels: number;
}

export interface ConvergenceCurve {
  readonly model: { readonly name: string; readonly version: string; readonly integrity: string };
  readonly levels: ConvergenceLevel[];
  /** log2(RFNE_coarser / RFNE_finer) between neighbouring levels: the local order. */
  readonly localOrders: (number | null)[];
  readonly order: ConvergenceOrder | null;
}

export interface ConvergenceSetup {
  /** The model's scale factor. */
  readonly scale: number;
  /** Degradation from HR to LR at every level (the task's). */
  readonly degradation: Exclude<DegradeMethod, "noisy-uniform">;
  /** Number of grids, each half the previous one's edge; at least 3 for an order with an interval. */
  readonly levels: number;
  /** Fraction of the domain left out on every side: the same physical region at every level, away from borders. */
  readonly border: number;
  readonly normalization: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** HR references: level k is the truth reduced by 2^k with the antialiased bicubic (Pillow's resampler). */
export function referenceLevels(
  truth: Float32Array,
  shape: readonly [number, number, number],
  levels: number,
): Float32Array[] {
  const [c, h, w] = shape;
  const out: Float32Array[] = [truth];
  for (let k = 1; k < levels; k++) {
    const factor = 2 ** k;
    if (h % factor !== 0 || w % factor !== 0)
      throw new FieldbenchError("INVALID_VALUE", `a ${h}x${w} field cannot be halved ${k} times`);
    out.push(degrade("bicubic-aa", truth, [c, h, w], { scale: factor }));
  }
  return out;
}

/** The rows/columns [start, end) of the region at an edge of n pixels: the same fractions of the domain at every level. */
export function regionBounds(n: number, border: number): [number, number] {
  const start = Math.round(n * border);
  return [start, n - start];
}

function cropRegion(data: Float32Array, c: number, n: number, border: number): { data: Float32Array; edge: number } {
  const [start, end] = regionBounds(n, border);
  const edge = end - start;
  const out = new Float32Array(c * edge * edge);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < edge; y++) {
      const src = ch * n * n + (start + y) * n + start;
      out.set(data.subarray(src, src + edge), (ch * edge + y) * edge);
    }
  return { data: out, edge };
}

/** One model's errors at every level for a set of square truth fields [C, N, N] (physical units). */
export async function measureConvergence(
  model: Model,
  truths: readonly Float32Array[],
  channels: number,
  edge: number,
  setup: ConvergenceSetup,
): Promise<ConvergenceCurve> {
  const perLevel: (number | null)[][] = Array.from({ length: setup.levels }, () => []);
  const notes: (string | undefined)[] = new Array(setup.levels).fill(undefined);
  for (const truth of truths) {
    const refs = referenceLevels(truth, [channels, edge, edge], setup.levels);
    for (const [k, hr] of refs.entries()) {
      const n = edge / 2 ** k;
      const lrEdge = Math.floor(n / setup.scale);
      if (model.tile?.fixedExtent === true && lrEdge < model.tile.size) {
        notes[k] =
          `runs on ${model.tile.size}x${model.tile.size} LR tiles only; this level's LR field is ${lrEdge}x${lrEdge}`;
        perLevel[k]!.push(null);
        continue;
      }
      if (lrEdge < 1) {
        notes[k] = `a ${n}x${n} grid has no LR pixel at x${setup.scale}`;
        perLevel[k]!.push(null);
        continue;
      }
      const lr = degrade(setup.degradation, hr, [channels, n, n], { scale: setup.scale });
      const pred = await predictSnapshot(model, lr, [channels, lrEdge, lrEdge], setup.scale);
      perLevel[k]!.push(await regionRfne(pred, hr, channels, n, setup));
    }
  }
  const levels = perLevel.map((values, k): ConvergenceLevel => {
    const n = edge / 2 ** k;
    const known = values.filter((v): v is number => v !== null);
    const rfne = known.length === values.length && known.length > 0 ? mean(known) : null;
    return {
      hr: n,
      lr: Math.floor(n / setup.scale),
      h: 1 / n,
      rfne,
      perSnapshot: values,
      ...(notes[k] === undefined ? {} : { note: notes[k] }),
    };
  });
  const localOrders = levels.slice(1).map((coarse, k) => {
    const fine = levels[k]!.rfne;
    return fine === null || coarse.rfne === null ? null : Math.log2(coarse.rfne / fine);
  });
  return {
    model: { name: model.name, version: model.version, integrity: model.integrity },
    levels,
    localOrders,
    order: fitOrder(levels),
  };
}

async function regionRfne(
  pred: Float32Array,
  hr: Float32Array,
  c: number,
  n: number,
  setup: ConvergenceSetup,
): Promise<number> {
  if (pred.length !== hr.length)
    throw new FieldbenchError("SHAPE_MISMATCH", `the model returned ${pred.length} values for a ${c}x${n}x${n} field`);
  const p = cropRegion(pred, c, n, setup.border);
  const t = cropRegion(hr, c, n, setup.border);
  const score = await scoreSnapshot(p.data, t.data, [c, p.edge, p.edge], {
    metrics: ["rfne"],
    normalization: setup.normalization,
  });
  return mean(score.perChannel.map((r) => r["rfne"]!));
}

const T_975 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/** Least squares of log RFNE on log h over the levels that have a number (at least 2; an interval needs 3). */
export function fitOrder(
  levels: readonly { readonly h: number; readonly rfne: number | null }[],
): ConvergenceOrder | null {
  const points = levels
    .filter((l) => l.rfne !== null && l.rfne > 0)
    .map((l) => [Math.log(l.h), Math.log(l.rfne!)] as const);
  const n = points.length;
  if (n < 2) return null;
  const mx = mean(points.map((p) => p[0]));
  const my = mean(points.map((p) => p[1]));
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const slope = sxy / sxx;
  if (n < 3) return { estimate: slope, ci95: null, levels: n };
  let sse = 0;
  for (const [x, y] of points) sse += (y - my - slope * (x - mx)) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const t = T_975[n - 2] ?? 1.96;
  return { estimate: slope, ci95: [slope - t * se, slope + t * se], levels: n };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
