import * as vega from "vega";
import { compile } from "vega-lite";

export interface SpectrumSeries {
  readonly name: string;
  /** E(k) for k = 0, 1, 2, ... (energySpectrum's output). */
  readonly energy: ArrayLike<number>;
}

/**
 * The isotropic energy spectra E(k) of several fields on log-log axes, compiled from a vega-lite spec to a static SVG
 * on the server (vega's headless "none" renderer: no canvas, no script in the page). k = 0 and E <= 0 are left out
 * (log axes).
 */
export async function renderSpectrumSvg(series: readonly SpectrumSeries[], title: string): Promise<string> {
  const values = series.flatMap((s) =>
    Array.from(s.energy, (e, k) => ({ k, E: e, series: s.name })).filter((p) => p.k > 0 && p.E > 0),
  );
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 420,
    height: 260,
    data: { values },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "k", type: "quantitative", title: "wavenumber k", scale: { type: "log" } },
      y: { field: "E", type: "quantitative", title: "E(k)", scale: { type: "log" } },
      color: { field: "series", type: "nominal", title: null },
      strokeDash: { condition: { test: "datum.series === 'truth (HR)'", value: [1, 0] }, value: [4, 2] },
    },
  };
  const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
