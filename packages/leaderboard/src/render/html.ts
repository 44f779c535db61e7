import { join } from "node:path";
import { type Board, RANK_METRIC, higherIsBetter } from "../rank.js";
import { DIAGNOSTIC_COLUMNS, oodRatio } from "../diagnostic-columns.js";
import { slug, writeFileAtomic } from "../store.js";
import { type Field2D, fieldRange, fieldToPng } from "./colormap.js";
import { boardTitle, channelColumns, formatNumber, formatWithCi } from "./format.js";
import { renderSpectrumSvg } from "./spectrum-plot.js";

/** One sample for the page: a snapshot's first channel as HR truth, LR input and prediction, and spectra. */
export interface SampleVisuals {
  /** What the sample is, e.g. "test_1 snapshot 0, channel u". */
  readonly caption: string;
  readonly hr: Field2D;
  readonly lr: Field2D;
  readonly prediction: Field2D;
  /** Isotropic energy spectra E(k) of (u, v) (energySpectrum) of the truth and of the prediction. */
  readonly spectrum: { readonly truth: ArrayLike<number>; readonly prediction: ArrayLike<number> };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sorts a table when a header is clicked (numbers by data-value, text otherwise); click again to reverse. */
const SORT_SCRIPT = `
for (const th of document.querySelectorAll("table.sortable th")) {
  th.addEventListener("click", () => {
    const table = th.closest("table");
    const body = table.tBodies[0];
    const col = th.cellIndex;
    const asc = th.dataset.sort !== "asc";
    for (const h of table.tHead.rows[0].cells) delete h.dataset.sort;
    th.dataset.sort = asc ? "asc" : "desc";
    const key = (row) => row.cells[col].dataset.value ?? row.cells[col].textContent;
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = key(a), y = key(b);
      const nx = Number(x), ny = Number(y);
      const c = x !== "" && y !== "" && !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : String(x).localeCompare(String(y));
      return asc ? c : -c;
    });
    for (const r of rows) body.appendChild(r);
  });
}`;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; cursor: pointer; user-select: none; }
th[data-sort="asc"]::after { content: " \\25B2"; } th[data-sort="desc"]::after { content: " \\25BC"; }
td.text, th.text { text-align: left; }
figure { display: inline-block; margin: 0 1em 1em 0; vertical-align: top; }
figure img { width: 192px; height: 192px; image-rendering: pixelated; border: 1px solid #ccc; }
figcaption { font-size: 12px; text-align: center; }
.note { color: #666; font-size: 13px; }`;

function cell(value: string, sortValue: string | number | null | undefined, text = false): string {
  const v = sortValue === null || sortValue === undefined ? "" : String(sortValue);
  return `<td${text ? ' class="text"' : ""} data-value="${escapeHtml(v)}">${escapeHtml(value)}</td>`;
}

function boardTable(board: Board, id: string, meanAlphas: ReadonlyMap<string, number | null>): string {
  const head = [
    "Rank",
    "Model",
    "Version",
    "Params",
    ...board.metrics.map((m) => (higherIsBetter(m) ? `${m} ↑` : `${m} ↓`)),
    ...DIAGNOSTIC_COLUMNS,
  ];
  const rows = board.entries.map((e) => {
    const s = e.result.splits[board.split];
    return `<tr>${[
      cell(String(e.rank), e.rank),
      cell(e.result.model.name, e.result.model.name, true),
      cell(e.result.model.version, e.result.model.version, true),
      cell(String(e.result.model.parameters), e.result.model.parameters),
      ...board.metrics.map((m) => cell(formatWithCi(e, board, m), s.metrics[m])),
      cell(formatNumber(oodRatio(e.result)), oodRatio(e.result)),
      cell(formatNumber(meanAlphas.get(e.result.model.name)), meanAlphas.get(e.result.model.name)),
    ].join("")}</tr>`;
  });
  const columns = channelColumns(board);
  const detailRows = board.entries.map((e) => {
    const s = e.result.splits[board.split];
    return `<tr>${[
      cell(String(e.rank), e.rank),
      cell(e.result.model.name, e.result.model.name, true),
      ...columns.map((c) => {
        const v = s.perChannel[c.channel]?.[c.metric];
        return cell(formatNumber(v), v);
      }),
    ].join("")}</tr>`;
  });
  const th = (h: string, i: number) => `<th${i === 1 || i === 2 ? ' class="text"' : ""}>${escapeHtml(h)}</th>`;
  return [
    `<h3>${escapeHtml(boardTitle(board))}</h3>`,
    `<p class="note">Ranked by ${RANK_METRIC}; mean over (snapshot, channel) [95% bootstrap CI]. Click a column to sort.</p>`,
    `<table class="sortable" id="${id}"><thead><tr>${head.map(th).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`,
    `<details><summary>Per channel</summary><table class="sortable" id="${id}-channels"><thead><tr>${["Rank", "Model", ...columns.map((c) => `${c.name} ${c.metric}`)].map(th).join("")}</tr></thead><tbody>${detailRows.join("")}</tbody></table></details>`,
  ].join("\n");
}

interface SectionSample {
  readonly label: string;
  readonly key: string;
  readonly visuals: SampleVisuals;
}

async function samplesHtml(
  section: string,
  samples: readonly SectionSample[],
  outDir: string,
  written: string[],
): Promise<string> {
  if (samples.length === 0)
    return '<p class="note">No sample images or spectra: none of these models could be re-run here.</p>';
  const first = (samples[0] as SectionSample).visuals;
  const svg = await renderSpectrumSvg(
    [
      { name: "truth (HR)", energy: first.spectrum.truth },
      ...samples.map((s) => ({ name: s.label, energy: s.visuals.spectrum.prediction })),
    ],
    `Energy spectrum E(k) of (u, v), ${first.caption.replace(/, channel .*$/, "")}`,
  );
  const figures: string[] = [];
  for (const s of samples) {
    const { hr, lr, prediction } = s.visuals;
    const range = fieldRange(hr);
    const error: Field2D = {
      data: prediction.data.map((p, i) => Math.abs(p - (hr.data[i] as number))),
      height: hr.height,
      width: hr.width,
    };
    const images: [string, Field2D, { min: number; max: number }][] = [
      ["HR truth", hr, range],
      ["LR input", lr, range],
      ["prediction", prediction, range],
      ["|error|", error, { min: 0, max: fieldRange(error).max }],
    ];
    const cells: string[] = [];
    for (const [name, field, r] of images) {
      const file = `assets/${section}-${s.key}-${slug(name.replace(/[|]/g, ""))}.png`;
      await writeFileAtomic(join(outDir, file), fieldToPng(field, r));
      written.push(file);
      cells.push(
        `<figure><img src="${file}" alt="${escapeHtml(`${s.label} ${name}`)}" width="${field.width}" height="${field.height}"><figcaption>${escapeHtml(name)}</figcaption></figure>`,
      );
    }
    figures.push(
      `<h4>${escapeHtml(s.label)} <span class="note">(${escapeHtml(s.visuals.caption)}, viridis)</span></h4>\n${cells.join("\n")}`,
    );
  }
  return [`<div class="spectrum">${svg}</div>`, ...figures].join("\n");
}

/**
 * A static page (plus PNG assets) that works from the file system with no network: ranked, sortable tables per
 * dataset and task (test_1 and test_2, compat and default modes apart, per-channel detail), the energy spectra of the
 * truth and each re-run model as inline SVG, and HR / LR / prediction / |error| images per model. `visuals` maps a
 * result's file (Board entry `file`) to its sample; entries without one show numbers only.
 */
export async function renderSite(
  boards: readonly Board[],
  visuals: ReadonlyMap<string, SampleVisuals>,
  outDir: string,
  options: {
    title?: string;
    intro?: string;
    meanAlphas?: ReadonlyMap<string, number | null>;
    /** Links to pages beside index.html (the diagnostics), listed after the intro. */
    links?: readonly { readonly href: string; readonly text: string }[];
  } = {},
): Promise<string[]> {
  const title = options.title ?? "SuperBench leaderboard";
  const written: string[] = [];
  const sections = new Map<string, Board[]>();
  for (const b of boards) {
    const key = `${slug(b.dataset)}-${slug(b.task)}`;
    sections.set(key, [...(sections.get(key) ?? []), b]);
  }
  const body: string[] = [];
  let tableId = 0;
  for (const [key, list] of sections) {
    const first = list[0] as Board;
    body.push(
      `<section id="${key}"><h2>${escapeHtml(`${first.dataset} (version ${first.datasetVersion}), ${first.task}`)}</h2>`,
    );
    for (const b of list) body.push(boardTable(b, `table-${tableId++}`, options.meanAlphas ?? new Map()));
    const samples: SectionSample[] = [];
    const seen = new Set<string>();
    for (const b of list) {
      for (const e of b.entries) {
        const v = visuals.get(e.file);
        if (v === undefined || seen.has(e.file)) continue;
        seen.add(e.file);
        const label = `${e.result.model.name}@${e.result.model.version} (${e.result.mode})`;
        samples.push({
          label,
          key: slug(`${e.result.model.name}@${e.result.model.version}.${e.result.mode}`),
          visuals: v,
        });
      }
    }
    body.push("<h3>Spectra and samples</h3>", await samplesHtml(key, samples, outDir, written), "</section>");
  }
  if (boards.length === 0) body.push('<p class="note">No results yet.</p>');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="note">${escapeHtml(options.intro ?? "Built by fieldbench from committed result files. test_1: interpolation split, test_2: extrapolation split.")}</p>
${(options.links ?? []).map((l) => `<p><a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></p>`).join("\n")}
${body.join("\n")}
<script>${SORT_SCRIPT}</script>
</body></html>
`;
  await writeFileAtomic(join(outDir, "index.html"), html);
  written.push("index.html");
  return written;
}
