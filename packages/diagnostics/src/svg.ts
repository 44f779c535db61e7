import * as vega from "vega";
import { compile } from "vega-lite";

/** A vega-lite spec compiled to a static SVG on the server (vega's headless "none" renderer: no canvas, no script). */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const view = new vega.View(
    vega.parse(compile({ $schema: "https://vega.github.io/schema/vega-lite/v6.json", ...spec } as never).spec),
    {
      renderer: "none",
    },
  );
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
