import type { ConvergenceResult } from "./convergence-run.js";
import { vegaLiteToSvg } from "./svg.js";

/** RFNE against grid spacing on log-log axes, one line per model: a converging model's line falls to the left. */
export async function renderConvergenceSvg(result: ConvergenceResult): Promise<string> {
  const values = result.curves.flatMap((c) =>
    c.levels
      .filter((l) => l.rfne !== null)
      .map((l) => ({
        model: `${c.model.name} (order ${c.order === null ? "-" : c.order.estimate.toFixed(2)})`,
        hr: l.hr,
        rfne: l.rfne,
      })),
  );
  return vegaLiteToSvg({
    title: `Resolution convergence: ${result.dataset.key} ${result.task.name}, ${result.dataset.split}, ${result.dataset.snapshots.length} snapshot(s)`,
    width: 420,
    height: 280,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "hr",
        type: "quantitative",
        title: "HR grid edge (pixels; refinement to the right)",
        scale: { type: "log", base: 2 },
      },
      y: { field: "rfne", type: "quantitative", title: "RFNE on the central region", scale: { type: "log" } },
      color: { field: "model", type: "nominal", title: null },
    },
  });
}

/** A markdown table: models by levels, then each model's fitted order with its interval. */
export function formatConvergenceTable(result: ConvergenceResult): string {
  const levels = result.curves[0]?.levels ?? [];
  const head = `| model | ${levels.map((l) => `${l.hr}² (LR ${l.lr}²)`).join(" | ")} | order p (95% CI) |`;
  const rule = `| --- | ${levels.map(() => "---:").join(" | ")} | --- |`;
  const rows = result.curves.map((c) => {
    const cells = c.levels.map((l) => (l.rfne === null ? "n/a" : l.rfne.toFixed(4)));
    const order =
      c.order === null
        ? "-"
        : `${c.order.estimate.toFixed(2)}${c.order.ci95 === null ? "" : ` (${c.order.ci95[0].toFixed(2)} to ${c.order.ci95[1].toFixed(2)})`}`;
    return `| ${c.model.name} | ${cells.join(" | ")} | ${order} |`;
  });
  const notes = result.curves.flatMap((c) =>
    c.levels.filter((l) => l.note).map((l) => `- ${c.model.name} at ${l.hr}²: ${l.note}`),
  );
  return [head, rule, ...rows, ...(notes.length > 0 ? ["", ...new Set(notes)] : [])].join("\n");
}
