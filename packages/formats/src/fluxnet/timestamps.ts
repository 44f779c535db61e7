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
  const minutes = timestampMinutes(value, digits);
  return minutes === undefined ? undefined : { minutes, iso: isoMinutes(minutes, digits) };
}

/**
 * Minutes since 1970 of a timestamp value, by integer arithmetic (no strings: this runs once per record
 * of files with hundreds of thousands of them); undefined if it is not a valid date of that many digits.
 */
export function timestampMinutes(value: number, digits: number): number | undefined {
  if (!Number.isInteger(value) || value < 0 || !DIGITS.has(digits) || value >= 10 ** digits) return undefined;
  const shift = 10 ** (digits - 4);
  const year = Math.floor(value / shift);
  let rest = value - year * shift;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  if (digits >= 6) {
    const s = 10 ** (digits - 6);
    month = Math.floor(rest / s);
    rest -= month * s;
  }
  if (digits >= 8) {
    const s = 10 ** (digits - 8);
    day = Math.floor(rest / s);
    rest -= day * s;
  }
  if (digits === 12) {
    hour = Math.floor(rest / 100);
    minute = rest - hour * 100;
  }
  if (year < 1000) return undefined; // Date.UTC maps years 0-99 to 1900-1999
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // 2400 appears as an end-of-day TIMESTAMP_END in some files; Date.UTC rolls it into the next day.
  if (hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute) / 60000;
}

/** ISO-8601 of minutes since 1970 at the precision the digit count carries (date only for 4-8 digits). */
export function isoMinutes(minutes: number, digits = 12): string {
  const iso = new Date(minutes * 60000).toISOString();
  if (digits === 12) return iso.slice(0, 16);
  if (digits === 8) return iso.slice(0, 10);
  if (digits === 6) return iso.slice(0, 7);
  return iso.slice(0, 4);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS[month - 1] as number);
}
