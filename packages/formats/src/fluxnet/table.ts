import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import { type FluxnetFileName, type Resolution, parseFluxnetFileName } from "./file-name.js";
import { scanLines } from "./scan-lines.js";
import { isoMinutes, parseTimestamp } from "./timestamps.js";

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

export async function openFluxnetTable(path: string): Promise<FluxnetTable> {
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
  await scanLines(path, (line, n) => {
    if (columns === undefined) {
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
      return undefined;
    }
    if (line.trim() === "") return undefined;
    const fields = line.split(",");
    if (fields.length !== columns.length) {
      throw fail(n, `${fields.length} fields where the header has ${columns.length} columns`);
    }
    for (let i = 0; i < fields.length; i++) {
      const text = fields[i] as string;
      const value = Number(text);
      if (!Number.isFinite(value) || text.trim() === "") {
        throw fail(n, `column ${columns[i]}: ${JSON.stringify(text.slice(0, 40))} is not a number`);
      }
    }
    const stampText = (fields[timeAt] as string).trim();
    if (rows === 0) digits = stampText.length;
    const start = parseTimestamp(Number(stampText), digits);
    if (start === undefined || stampText.length !== digits) {
      throw fail(n, `${columns[timeAt]} ${stampText} is not a ${digits}-digit FLUXNET timestamp`);
    }
    if (endAt >= 0) {
      const endText = (fields[endAt] as string).trim();
      const end = parseTimestamp(Number(endText), endText.length);
      if (end === undefined) throw fail(n, `TIMESTAMP_END ${endText} is not a FLUXNET timestamp`);
      lastEnd = end.minutes;
    }
    if (rows === 0) first = start.minutes;
    else if (rows === 1) second = start.minutes;
    lastStart = start.minutes;
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
    const out = names.map(() => new Float64Array(to - from));
    let record = -1;
    let inHeader = true;
    await scanLines(path, (line) => {
      if (inHeader) {
        if (!line.startsWith("#") && line.trim() !== "") inHeader = false;
        return undefined;
      }
      if (line.trim() === "") return undefined;
      record++;
      if (record < from) return undefined;
      if (record >= to) return "stop";
      const fields = line.split(",");
      for (let k = 0; k < indices.length; k++) {
        (out[k] as Float64Array)[record - from] = Number(fields[indices[k] as number]);
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
      for (let i = 0; i < times.length; i++)
        times[i] = parseTimestamp(times[i] as number, digits)?.minutes ?? Number.NaN;
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
