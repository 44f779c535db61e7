import { vegaLiteToSvg } from "./svg.js";
import type { WeightReport } from "./weights.js";

/**
 * Each layer's ESD on log-log axes (one panel per layer, as WeightWatcher plots them), with the power-law fit's
 * xmin (solid) and the Marchenko-Pastur bulk edge lambda+ (dashed): a heavy tail is a straight descending line right
 * of xmin reaching well past lambda+; a random layer's ESD ends at lambda+. Static SVG (vega's "none" renderer).
 */
export async function renderEsdSvg(report: WeightReport): Promise<string> {
  const values: Record<string, unknown>[] = [];
  for (const layer of report.layers) {
    const { log10Edges, density } = layer.esd;
    density.forEach((d, i) => {
      if (d > 0)
        values.push({ layer: layer.name, mark: "esd", x: 10 ** ((log10Edges[i]! + log10Edges[i + 1]!) / 2), y: d });
    });
    if (layer.spectrum.powerLaw !== null)
      values.push({
        layer: layer.name,
        mark: `xmin (alpha ${layer.spectrum.powerLaw.alpha.toFixed(2)})`,
        x: layer.spectrum.powerLaw.xmin,
      });
    values.push({ layer: layer.name, mark: "MP lambda+", x: layer.spectrum.marchenkoPastur.lambdaPlus });
  }
  const spec = {
    title: `${report.package.name}: empirical spectral densities of W^T W`,
    data: { values },
    facet: { field: "layer", type: "nominal", title: null },
    columns: 4,
    resolve: { scale: { x: "independent", y: "independent" } },
    // dozens of panels: log-scale grid lines and minor labels would be most of the file
    config: { axis: { grid: false, tickCount: 3, labelFlush: true }, view: { stroke: "#ccc" } },
    spec: {
      width: 200,
      height: 140,
      layer: [
        {
          transform: [{ filter: "datum.mark === 'esd'" }],
          mark: { type: "line" },
          encoding: {
            x: { field: "x", type: "quantitative", title: "eigenvalue", scale: { type: "log" } },
            y: { field: "y", type: "quantitative", title: "density", scale: { type: "log" } },
          },
        },
        {
          transform: [{ filter: "datum.mark !== 'esd'" }],
          mark: { type: "rule" },
          encoding: {
            x: { field: "x", type: "quantitative" },
            color: {
              condition: { test: "datum.mark === 'MP lambda+'", value: "#777" },
              value: "#c0392b",
            },
            strokeDash: { condition: { test: "datum.mark === 'MP lambda+'", value: [4, 3] }, value: [1, 0] },
          },
        },
      ],
    },
  };
  return vegaLiteToSvg(spec);
}
