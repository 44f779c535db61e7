import { vegaLiteToSvg } from "./svg.js";
import type { TransferResult } from "./transfer.js";

const cellText = (x: number | null, digits: number) => (x === null ? "n/a" : x.toFixed(digits));

/** Markdown: RFNE (ratio to the reference column) for every model and condition. */
export function formatTransferTable(result: TransferResult): string {
  const head = `| model | ${result.conditions.map((c, i) => (i === result.reference ? `**${c.label}** (reference)` : c.label)).join(" | ")} |`;
  const rule = `| --- | ${result.conditions.map(() => "---:").join(" | ")} |`;
  const rows = result.models.map((m, i) => {
    const cells = result.cells[i]!.map((cell) =>
      cell.rfne === null ? "n/a" : `${cell.rfne.toFixed(4)} (${cellText(cell.ratio, 2)}x)`,
    );
    return `| ${m.name} | ${cells.join(" | ")} |`;
  });
  const notes = result.cells.flatMap((row, i) =>
    row.filter((c) => c.note !== undefined).map((c) => `- ${result.models[i]!.name}: ${c.note}`),
  );
  return [head, rule, ...rows, ...(notes.length > 0 ? ["", ...new Set(notes)] : [])].join("\n");
}

/** The heat map: cells coloured by the ratio to the reference (log scale, 1 = white), labelled with RFNE and ratio. */
export async function renderTransferSvg(result: TransferResult): Promise<string> {
  const values = result.models.flatMap((m, i) =>
    result.cells[i]!.map((cell, j) => ({
      model: m.name.replace(/^@fieldbench-models\//, ""),
      condition: result.conditions[j]!.label,
      ratio: cell.ratio,
      label: cell.rfne === null ? "n/a" : `${cell.rfne.toFixed(4)} (${cellText(cell.ratio, 2)}x)`,
    })),
  );
  // a log scale symmetric about 1, so 0.97x reads as pale blue next to a deep-red 3x, not as the opposite extreme
  const extreme = Math.max(
    1.01,
    ...values.flatMap((v) => (v.ratio === null || !(v.ratio > 0) ? [] : [Math.max(v.ratio, 1 / v.ratio)])),
  );
  return vegaLiteToSvg({
    title: `Out-of-distribution transfer: RFNE and its ratio to ${result.conditions[result.reference]!.label}`,
    data: { values },
    width: { step: 150 },
    height: { step: 34 },
    encoding: {
      x: { field: "condition", type: "nominal", title: null, sort: null, axis: { labelAngle: -20, labelLimit: 320 } },
      y: { field: "model", type: "nominal", title: null, sort: null, axis: { labelLimit: 320 } },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "ratio",
            type: "quantitative",
            title: "RFNE ratio",
            scale: { type: "log", scheme: "redblue", reverse: true, domain: [1 / extreme, extreme] },
          },
        },
      },
      { mark: { type: "text", fontSize: 11 }, encoding: { text: { field: "label", type: "nominal" } } },
    ],
  });
}

/** A static page (no script) around the heat map and the table, for the site. */
export function transferHtml(result: TransferResult, svg: string, markdownTable: string): string {
  const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fieldbench: out-of-distribution transfer</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style>
</head><body>
<h1>Out-of-distribution transfer</h1>
<p>Each cell is a model's RFNE under one condition (dataset, task, test split), with its ratio to the same model's RFNE
under the reference condition <b>${escapeHtml(result.conditions[result.reference]!.label)}</b>: 1 is in-distribution, 2 means
twice the error. Blue is better than the reference, red worse. ${result.limit === null ? "All" : `The first ${result.limit}`}
snapshot(s) of each split. How to read it: docs/diagnostics.md.</p>
${svg}
<h2>Table</h2>
<pre>${escapeHtml(markdownTable)}</pre>
</body></html>
`;
}
