import type { Board } from "../rank.js";
import { RANK_METRIC, higherIsBetter } from "../rank.js";
import { DIAGNOSTIC_COLUMNS, oodRatio } from "../diagnostic-columns.js";
import { boardTitle, channelColumns, formatNumber, formatWithCi, markdownText } from "./format.js";

/** Cells are either our own text (numbers, headers) or names escaped by markdownText; `|` is escaped in both. */
function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/(?<!\\)\|/g, "\\|")).join(" | ")} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => "---")), ...rows.map(row)].join("\n");
}

/** One board: the ranked table (metric values with 95% bootstrap CIs) and the per-channel detail table. */
export function renderBoardMarkdown(board: Board, meanAlphas: ReadonlyMap<string, number | null> = new Map()): string {
  const header = ["Rank", "Model", "Version", "Params", "Snapshots", ...board.metrics, ...DIAGNOSTIC_COLUMNS];
  const rows = board.entries.map((e) => [
    String(e.rank),
    markdownText(e.result.model.name),
    markdownText(e.result.model.version),
    String(e.result.model.parameters),
    String(e.result.splits[board.split].snapshots),
    ...board.metrics.map((m) => formatWithCi(e, board, m)),
    formatNumber(oodRatio(e.result)),
    formatNumber(meanAlphas.get(e.result.model.name)),
  ]);
  const columns = channelColumns(board);
  const detail = board.entries.map((e) => [
    String(e.rank),
    markdownText(e.result.model.name),
    ...columns.map((c) => formatNumber(e.result.splits[board.split].perChannel[c.channel]?.[c.metric])),
  ]);
  return [
    `### ${boardTitle(board)}`,
    "",
    `Ranked by ${RANK_METRIC} (${higherIsBetter(RANK_METRIC) ? "higher" : "lower"} is better). Values: mean over (snapshot, channel) [95% bootstrap CI].`,
    "",
    table(header, rows),
    "",
    "Per channel:",
    "",
    table(["Rank", "Model", ...columns.map((c) => `${c.name} ${c.metric}`)], detail),
    "",
  ].join("\n");
}

/** A whole leaderboard page: one section per dataset and task, test_1 then test_2 of each mode. */
export function renderMarkdown(
  boards: readonly Board[],
  title = "SuperBench leaderboard",
  meanAlphas: ReadonlyMap<string, number | null> = new Map(),
): string {
  const intro = [
    `# ${title}`,
    "",
    "Built by `fieldbench leaderboard build` from the committed result files next to this page; do not edit by hand.",
    "test_1 is the interpolation split, test_2 the extrapolation split; they are ranked separately.",
    "OOD is RFNE test_2 / test_1; mean alpha is the layers' power-law exponent from `fieldbench weights diagnose`",
    "(docs/diagnostics.md).",
    "",
  ];
  if (boards.length === 0) return [...intro, "No results yet.", ""].join("\n");
  const sections: string[] = [];
  let heading = "";
  for (const board of boards) {
    const h = `## ${board.dataset} (version ${board.datasetVersion}), ${board.task}`;
    if (h !== heading) sections.push(h, "");
    heading = h;
    sections.push(renderBoardMarkdown(board, meanAlphas));
  }
  return [...intro, ...sections].join("\n");
}
