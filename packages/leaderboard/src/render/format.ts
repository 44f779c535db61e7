import { listMetrics } from "@fieldbench/metrics";
import type { Board, RankedEntry } from "../rank.js";

/** Four significant digits, plain notation for 1e-3 <= |v| < 1e5; "n/a" for an undefined (null) value. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return "n/a";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e5) return Number(value.toPrecision(4)).toString();
  return value.toExponential(3);
}

export function formatWithCi(entry: RankedEntry, board: Board, metric: string): string {
  const split = entry.result.splits[board.split];
  const value = split.metrics[metric];
  const ci = split.ci95[metric];
  if (value === undefined) return "";
  if (ci === undefined) return formatNumber(value);
  return `${formatNumber(value)} [${formatNumber(ci[0])}, ${formatNumber(ci[1])}]`;
}

export function channelColumns(board: Board): { channel: number; name: string; metric: string }[] {
  const present = new Set(
    board.entries.flatMap((e) => e.result.splits[board.split].perChannel.flatMap((r) => Object.keys(r))),
  );
  // The channel metrics whose descriptors ask for the per-channel detail tables, in display order.
  const metrics = listMetrics()
    .filter((m) => m.scope === "channel" && m.perChannelTable === true && present.has(m.id))
    .map((m) => m.id);
  return board.channels.flatMap((name, channel) => metrics.map((metric) => ({ channel, name, metric })));
}

export function boardTitle(board: Board): string {
  return `${board.dataset} / ${board.task} / ${board.split} (${board.mode} mode)`;
}

/**
 * A name from a result file as one markdown table cell: control characters (a newline would end the table and
 * start markdown of the submitter's choosing, e.g. an image from any URL) become spaces, and the characters that
 * make links, images, inline HTML, code, emphasis or a cell break inside a table cell are backslash-escaped. Block
 * syntax (#, -, +, 1.) only acts at the start of a line, which a cell never is; `_` inside a word (nskt_16k) is not
 * emphasis in GFM, so names keep their look.
 */
export function markdownText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").replace(/[\\`*[\]<>!|~]/g, (c) => `\\${c}`);
}

/**
 * A text cell for CSV: spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage return as a
 * formula (OWASP "CSV injection"), so such a cell gets a leading apostrophe; control characters become spaces.
 */
export function csvText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, " ");
  return /^[=+\-@\t\r]/.test(clean) ? `'${clean}` : clean;
}
