import { FieldbenchError } from "@fieldbench/core";
import { readPackageManifest } from "@fieldbench/models";
import { type KernelKind, kernelSlices } from "./kernel-slices.js";
import { type LayerSpectrum, analyzeLayer } from "./layer-spectrum.js";
import { type NamedTensor, readTfjsWeights } from "./tfjs-weights.js";

export const WEIGHTS_SCHEMA_ID = "fieldbench-weight-diagnostics/1";

/** The ESD as a histogram on log10-spaced bins (for the log-log plot; the eigenvalues themselves can be 18k a layer). */
export interface EsdHistogram {
  /** log10 of the bin edges, bins + 1 of them. */
  readonly log10Edges: number[];
  /** Eigenvalues per bin divided by the bin's width in lambda: a density estimate. */
  readonly density: number[];
}

export interface LayerReport {
  readonly name: string;
  readonly kind: KernelKind;
  readonly shape: readonly number[];
  readonly spectrum: LayerSpectrum;
  readonly esd: EsdHistogram;
}

export interface WeightReport {
  readonly schema: typeof WEIGHTS_SCHEMA_ID;
  readonly package: { readonly name: string; readonly version: string };
  readonly layers: LayerReport[];
  /** Weight tensors that are not matrices (biases) are not listed; these are matrices the analysis could not use. */
  readonly skipped: { readonly name: string; readonly reason: string }[];
  readonly summary: {
    readonly layers: number;
    /** Layers with a power-law fit (at least MIN_EIGENVALUES eigenvalues). */
    readonly fitted: number;
    /** Mean alpha over fitted layers: 2-4 well-trained, below 2 over-fitted or over-regularised, above 6 random-like. */
    readonly meanAlpha: number | null;
    /** Mean alpha-hat (WeightWatcher's "alpha_weighted"): lower predicted better in Martin et al., Nat. Commun. 2021. */
    readonly meanAlphaHat: number | null;
    readonly meanLogSpectralNorm: number;
    readonly meanStableRank: number;
  };
}

const HISTOGRAM_BINS = 40;

/**
 * `fieldbench weights diagnose PACKAGE`: the heavy-tailed self-regularization metrics (Martin and Mahoney, JMLR
 * 2021; Martin, Peng and Mahoney, Nat. Commun. 2021) of every weight matrix of a TF.js model package, read
 * straight from its weight files (no test data, no TF.js).
 */
export function diagnoseWeights(dir: string): WeightReport {
  const manifest = readPackageManifest(dir);
  if (manifest.kind !== "tfjs")
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${manifest.dir}: a ${manifest.kind} package; the weight diagnostics read TF.js packages (model.json + weights)`,
      { path: manifest.dir },
    );
  const tensors = readTfjsWeights(manifest.dir, manifest.entry);
  const layers: LayerReport[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const { name, shape, re, im } of weightMatrices(tensors)) {
    const sliced = kernelSlices(shape, re, im);
    if (sliced === undefined) {
      skipped.push({
        name,
        reason: `a ${shape.length}-d tensor ${im ? "with" : "without"} an imaginary part is not a known kernel layout`,
      });
      continue;
    }
    const { spectrum, eigenvalues } = analyzeLayer(sliced.matrices);
    layers.push({ name, kind: sliced.kind, shape, spectrum, esd: logHistogram(eigenvalues, HISTOGRAM_BINS) });
  }
  return {
    schema: WEIGHTS_SCHEMA_ID,
    package: { name: manifest.name, version: manifest.version },
    layers,
    skipped,
    summary: summarize(layers),
  };
}

/** Tensors grouped by layer: a kernel, or an FNO spectral pair w_re/w_im; rank-1 tensors (biases) are dropped. */
function weightMatrices(
  tensors: readonly NamedTensor[],
): { name: string; shape: readonly number[]; re: Float32Array; im?: Float32Array }[] {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const out: { name: string; shape: readonly number[]; re: Float32Array; im?: Float32Array }[] = [];
  for (const t of tensors) {
    if (t.shape.length < 2 || t.name.endsWith("/w_im")) continue;
    if (t.name.endsWith("/w_re")) {
      const layer = t.name.slice(0, -"/w_re".length);
      const im = byName.get(`${layer}/w_im`);
      if (im === undefined || im.shape.join() !== t.shape.join()) {
        out.push({ name: t.name, shape: t.shape, re: t.values });
        continue;
      }
      out.push({ name: layer, shape: t.shape, re: t.values, im: im.values });
      continue;
    }
    out.push({ name: t.name.replace(/\/kernel$/, ""), shape: t.shape, re: t.values });
  }
  return out;
}

/** Density of the eigenvalues above zero on log10-spaced bins between the smallest positive and the largest. */
export function logHistogram(sorted: Float64Array, bins: number): EsdHistogram {
  const lmax = sorted[sorted.length - 1] ?? 0;
  const positive = sorted.filter((x) => x > lmax * 1e-10);
  if (positive.length === 0) return { log10Edges: [], density: [] };
  const lo = Math.log10(positive[0]!);
  const hi = Math.log10(lmax);
  const width = hi > lo ? (hi - lo) / bins : 1;
  const log10Edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (const x of positive) counts[Math.min(bins - 1, Math.floor((Math.log10(x) - lo) / width))]! += 1;
  const density = counts.map((c, i) => c / positive.length / (10 ** log10Edges[i + 1]! - 10 ** log10Edges[i]!));
  return { log10Edges, density };
}

function summarize(layers: readonly LayerReport[]): WeightReport["summary"] {
  const fitted = layers.filter((l) => l.spectrum.powerLaw !== null);
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    layers: layers.length,
    fitted: fitted.length,
    meanAlpha: mean(fitted.map((l) => l.spectrum.powerLaw!.alpha)),
    meanAlphaHat: mean(fitted.map((l) => l.spectrum.alphaHat!)),
    meanLogSpectralNorm: mean(layers.map((l) => l.spectrum.logSpectralNorm)) ?? Number.NaN,
    meanStableRank: mean(layers.map((l) => l.spectrum.stableRank)) ?? Number.NaN,
  };
}
