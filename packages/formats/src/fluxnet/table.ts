import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import { type FluxnetFileName, type Resolution, parseFluxnetFileName } from "./file-name.js";
import { fieldText, parseFields, parseNumber } from "./parse-number.js";
import { scanLines } from "./scan-lines.js";
import { isoMinutes, timestampMinutes } from "./timestamps.js";

/** FLUXNET's missing-value marker in every column. */
export const FLUXNET_MISSING = -9999;

/**
 * A FLUXNET2015 / ONEFlux / AmeriFlux BASE CSV, validated at open (every record has the header's column
 * count, every field is a number, every timestamp a date) and read column by column on demand, so an
 * HH FULLSET file of several hundred MB never sits in memory.
 */
export interface FluxnetTable {
  readonly path: string;
  readonly columns: readonly string[];
  readonly rows: number;
  /** `# Key: value` lines before the header (AmeriFlux BASE: Site, Version). */
  readonly comments: Readonly<Record<string, string>>;
  readonly fileName: FluxnetFileName | undefined;
  readonly site: string | undefined;
  readonly resolution: Resolution | undefined;
  /** TIMESTAMP_START (HH, HR, WW) or TIMESTAMP (DD, MM, YY). */
  readonly timeColumn: string;
  /** Digits of the timestamps: 12 (YYYYMMDDHHMM), 8, 6 or 4. */
  readonly timestampDigits: number;
  /** ISO-8601 (local standard time) of the first record's start and the last record's end. */
  readonly start: string | undefined;
  readonly end: string | undefined;
  /** Columns as float64, -9999 kept as stored; rows [start, stop) when given. */
  readColumns(names: readonly string[], rows?: readonly [number, number]): Promise<Float64Array[]>;
  /** Minutes since 1970-01-01 00:00 (local standard clock) of each record's TIMESTAMP(_START). */
  readTimes(rows?: readonly [number, number]): Promise<Float64Array>;
}

const TIME_COLUMNS = ["TIMESTAMP_START", "TIMESTAMP"] as const;

export interface FluxnetOpenOptions {
  /**
   * Columns to keep while the file is validated, so that reading them afterwards needs no second pass
   * (names the file lacks are ignored). Other columns are read on demand.
   */
  readonly keep?: readonly string[];
}

export async function openFluxnetTable(path: string, options: FluxnetOpenOptions = {}): Promise<FluxnetTable> {
  const fail = (line: number, problem: string) =>
    new FieldbenchError("CORRUPT_FILE", `${path}: line ${line}: ${problem}`, { path, details: { line } });
  const comments: Record<string, string> = {};
  let columns: string[] | undefined;
  let timeAt = -1;
  let endAt = -1;
  let digits = 0;
  let rows = 0;
  let first: number | undefined;
  let second: number | undefined;
  let lastStart: number | undefined;
  let lastEnd: number | undefined;
  let row = new Float64Array(0);
  let keepAt: number[] = [];
  let kept: number[][] = [];
  await scanLines(path, (bytes, from, to, n) => {
    if (columns === undefined) {
      const line = bytes.toString("latin1", from, to);
      if (line.startsWith("#")) {
        const m = /^#\s*([^:]+):\s*(.*)$/.exec(line);
        if (m !== null) comments[(m[1] as string).trim()] = (m[2] as string).trim();
        return undefined;
      }
      if (line.trim() === "") return undefined;
      columns = line.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
      timeAt = TIME_COLUMNS.map((c) => columns?.indexOf(c) ?? -1).find((i) => i >= 0) ?? -1;
      if (timeAt < 0) throw fail(n, "the header has no TIMESTAMP_START or TIMESTAMP column");
      endAt = columns.indexOf("TIMESTAMP_END");
      const seen = new Set<string>();
      for (const c of columns) {
        if (c === "") throw fail(n, "the header has an empty column name");
        if (seen.has(c)) throw fail(n, `the header names column ${c} twice`);
        seen.add(c);
      }
      row = new Float64Array(columns.length);
      keepAt = (options.keep ?? []).map((name) => columns?.indexOf(name) ?? -1).filter((i) => i >= 0);
      kept = keepAt.map(() => []);
      return undefined;
    }
    if (isBlank(bytes, from, to)) return undefined;
    const count = parseFields(bytes, from, to, row);
    if (count !== columns.length) throw fail(n, `${count} fields where the header has ${columns.length} columns`);
    for (let i = 0; i < count; i++) {
      if (Number.isNaN(row[i] as number)) {
        const text = fieldText(bytes, from, to, i);
        throw fail(n, `column ${columns[i]}: ${JSON.stringify(text.slice(0, 40))} is not a number`);
      }
    }
    if (rows === 0) digits = fieldText(bytes, from, to, timeAt).length;
    const stamp = row[timeAt] as number;
    const start = timestampMinutes(stamp, digits);
    if (start === undefined) {
      const text = fieldText(bytes, from, to, timeAt);
      throw fail(n, `${columns[timeAt]} ${text} is not a ${digits}-digit FLUXNET timestamp`);
    }
    if (endAt >= 0) {
      const end = timestampMinutes(row[endAt] as number, digits);
      if (end === undefined) {
        throw fail(n, `TIMESTAMP_END ${fieldText(bytes, from, to, endAt)} is not a ${digits}-digit FLUXNET timestamp`);
      }
      lastEnd = end;
    }
    if (lastStart !== undefined && start <= lastStart) {
      const text = fieldText(bytes, from, to, timeAt);
      throw fail(
        n,
        `${columns[timeAt]} ${text} does not follow the previous record's (records must be in time order, once each)`,
      );
    }
    if (rows === 0) first = start;
    else if (rows === 1) second = start;
    lastStart = start;
    for (let k = 0; k < keepAt.length; k++) (kept[k] as number[]).push(row[keepAt[k] as number] as number);
    rows++;
    return undefined;
  });
  if (columns === undefined) {
    throw new FieldbenchError("CORRUPT_FILE", `${path}: no header line (a FLUXNET CSV starts with its column names)`, {
      path,
    });
  }
  const header = columns as string[];
  const timeColumn = header[timeAt] as string;
  const fileName = parseFluxnetFileName(path);
  const resolution = fileName?.resolution ?? inferResolution(timeColumn, digits, first, second);
  const site = fileName?.site ?? comments.Site;
  const end = lastEnd ?? lastStart;
  const readColumns = async (names: readonly string[], range?: readonly [number, number]) => {
    const indices = names.map((name) => {
      const i = header.indexOf(name);
      if (i < 0) throw new FieldbenchError("VARIABLE_NOT_FOUND", `${path}: no column ${name}`, { path });
      return i;
    });
    const [from, to] = range ?? [0, rows];
    checkAllocation((to - from) * names.length, 8, `${path}: ${names.length} columns`, path);
    if (indices.every((i) => keepAt.includes(i))) {
      return indices.map((i) => Float64Array.from((kept[keepAt.indexOf(i)] as number[]).slice(from, to)));
    }
    const out = names.map(() => new Float64Array(to - from));
    // Column index -> output slot (or -1): each record is parsed only up to the last wanted column.
    const slots = new Int32Array(header.length).fill(-1);
    indices.forEach((column, k) => {
      slots[column] = k;
    });
    const lastWanted = Math.max(-1, ...indices);
    let record = -1;
    let inHeader = true;
    await scanLines(path, (bytes, start, end) => {
      if (inHeader) {
        if (bytes[start] !== 35 && !isBlank(bytes, start, end)) inHeader = false;
        return undefined;
      }
      if (isBlank(bytes, start, end)) return undefined;
      record++;
      if (record < from) return undefined;
      if (record >= to) return "stop";
      const at = record - from;
      let column = 0;
      let fieldStart = start;
      for (let i = start; i <= end && column <= lastWanted; i++) {
        if (i === end || bytes[i] === 44) {
          const slot = slots[column] as number;
          if (slot >= 0) (out[slot] as Float64Array)[at] = parseNumber(bytes, fieldStart, i);
          column++;
          fieldStart = i + 1;
        }
      }
      return undefined;
    });
    return out;
  };
  return {
    path,
    columns: header,
    rows,
    comments,
    fileName,
    site,
    resolution,
    timeColumn,
    timestampDigits: digits,
    start: first === undefined ? undefined : isoMinutes(first, digits),
    end: end === undefined ? undefined : isoMinutes(end, digits),
    readColumns,
    readTimes: async (range) => {
      const [stamps] = await readColumns([timeColumn], range);
      const times = stamps as Float64Array;
      for (let i = 0; i < times.length; i++) times[i] = timestampMinutes(times[i] as number, digits) ?? Number.NaN;
      return times;
    },
  };
}

/** Resolution from the timestamps when the file name does not say: digits, then the step between rows. */
function inferResolution(
  timeColumn: string,
  digits: number,
  first: number | undefined,
  second: number | undefined,
): Resolution | undefined {
  if (digits === 12) {
    if (first === undefined || second === undefined) return undefined;
    const step = second - first;
    return step === 30 ? "HH" : step === 60 ? "HR" : undefined;
  }
  if (digits === 8) return timeColumn === "TIMESTAMP_START" ? "WW" : "DD";
  if (digits === 6) return "MM";
  if (digits === 4) return "YY";
  return undefined;
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
