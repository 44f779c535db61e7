/**
 * FLUXNET timestamps are local standard time all year (never daylight-saving time), written as digits:
 * YYYYMMDDHHMM (HH, HR), YYYYMMDD (DD, WW), YYYYMM (MM), YYYY (YY). They are converted with UTC
 * arithmetic so the machine's time zone and its DST rules can never shift them.
 */
export interface ParsedTimestamp {
  /** Minutes since 1970-01-01 00:00 of the same (local standard) clock. */
  readonly minutes: number;
  /** ISO-8601 without a zone designator: the clock reading as written. */
  readonly iso: string;
}

const DIGITS = new Set([4, 6, 8, 12]);

/** Parses a timestamp value (as read from the CSV: a number) given its digit count; undefined if invalid. */
export function parseTimestamp(value: number, digits: number): ParsedTimestamp | undefined {
  if (!Number.isInteger(value) || value < 0 || !DIGITS.has(digits)) return undefined;
  const text = String(value).padStart(digits, "0");
  if (text.length !== digits) return undefined;
  const year = Number(text.slice(0, 4));
  const month = digits >= 6 ? Number(text.slice(4, 6)) : 1;
  const day = digits >= 8 ? Number(text.slice(6, 8)) : 1;
  const hour = digits === 12 ? Number(text.slice(8, 10)) : 0;
  const minute = digits === 12 ? Number(text.slice(10, 12)) : 0;
  // 2400 appears as an end-of-day TIMESTAMP_END in some files; Date.UTC rolls it into the next day.
  if (year < 1000) return undefined; // Date.UTC maps years 0-99 to 1900-1999
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  return { minutes: ms / 60000, iso: isoMinutes(ms / 60000, digits) };
}

/** ISO-8601 of minutes since 1970 at the precision the digit count carries (date only for 4-8 digits). */
export function isoMinutes(minutes: number, digits = 12): string {
  const iso = new Date(minutes * 60000).toISOString();
  if (digits === 12) return iso.slice(0, 16);
  if (digits === 8) return iso.slice(0, 10);
  if (digits === 6) return iso.slice(0, 7);
  return iso.slice(0, 4);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
