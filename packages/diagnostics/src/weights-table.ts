import type { WeightReport } from "./weights.js";

const fixed = (x: number | null | undefined, digits: number): string =>
  x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);

/** The per-layer table `fieldbench weights diagnose` prints (markdown, so it pastes into a card or an issue). */
export function formatWeightTable(report: WeightReport): string {
  const head =
    "| layer | kind | shape | eigenvalues | alpha | alpha-hat | log10 lambda_max | stable rank | MP spikes |\n" +
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |";
  const rows = report.layers.map((l) => {
    const s = l.spectrum;
    return `| ${l.name} | ${l.kind} | ${l.shape.join("x")} | ${s.eigenvalueCount} | ${fixed(s.powerLaw?.alpha, 2)} | ${fixed(s.alphaHat, 2)} | ${fixed(s.logSpectralNorm, 3)} | ${fixed(s.stableRank, 1)} | ${s.marchenkoPastur.spikes} |`;
  });
  const m = report.summary;
  const summary = `mean alpha ${fixed(m.meanAlpha, 2)} over ${m.fitted} of ${m.layers} layers, mean alpha-hat ${fixed(m.meanAlphaHat, 2)}, mean stable rank ${fixed(m.meanStableRank, 1)}`;
  return [`${report.package.name} ${report.package.version}`, "", head, ...rows, "", summary].join("\n");
}
