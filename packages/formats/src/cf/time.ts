import { FieldbenchError } from "@fieldbench/core";

/**
 * CF time decoding: "<unit> since <reference date>" in any CF calendar, to ISO-8601 strings in the
 * variable's own calendar (so 2000-02-30 exists in 360_day). Dates are counted as day numbers within
 * each calendar; standard/gregorian switches from Julian to Gregorian at 1582-10-15 as CF and cftime do.
 */
export const CF_CALENDARS = [
  "standard",
  "gregorian",
  "proleptic_gregorian",
  "julian",
  "noleap",
  "365_day",
  "all_leap",
  "366_day",
  "360_day",
] as const;
export type CfCalendar = (typeof CF_CALENDARS)[number];

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface TimeUnits {
  /** Seconds per unit; months are only allowed in 360_day, where a month is 30 days. */
  readonly secondsPerUnit: number;
  readonly unit: string;
  readonly reference: CivilDate;
  /** Seconds after midnight of the reference day (time of day minus any UTC offset). */
  readonly referenceSeconds: number;
}

const UNIT_SECONDS: Record<string, number> = {
  microseconds: 1e-6,
  microsecond: 1e-6,
  us: 1e-6,
  milliseconds: 1e-3,
  millisecond: 1e-3,
  ms: 1e-3,
  seconds: 1,
  second: 1,
  secs: 1,
  sec: 1,
  s: 1,
  minutes: 60,
  minute: 60,
  mins: 60,
  min: 60,
  hours: 3600,
  hour: 3600,
  hrs: 3600,
  hr: 3600,
  h: 3600,
  days: 86400,
  day: 86400,
  d: 86400,
  weeks: 7 * 86400,
  week: 7 * 86400,
};

export function normalizeCalendar(calendar: string | undefined, name = "time"): CfCalendar {
  const value = (calendar ?? "standard").trim().toLowerCase();
  if (value === "none" || value === "") return "standard";
  if ((CF_CALENDARS as readonly string[]).includes(value)) return value as CfCalendar;
  throw new FieldbenchError(
    "CALENDAR_UNSUPPORTED",
    `${name}: unknown calendar "${calendar}" (known: ${CF_CALENDARS.join(", ")})`,
  );
}

/** True when units look like CF time units ("<unit> since <date>"). */
export function isTimeUnits(units: string | undefined): boolean {
  return units !== undefined && /^\s*\w+\s+since\s+/i.test(units);
}

export function parseTimeUnits(units: string, calendar: CfCalendar, name = "time"): TimeUnits {
  const match = /^\s*(\w+)\s+since\s+(.+?)\s*$/i.exec(units);
  if (match === null)
    throw new FieldbenchError("INVALID_VALUE", `${name}: time units "${units}" are not "<unit> since <date>"`);
  const unit = (match[1] as string).toLowerCase();
  let secondsPerUnit = UNIT_SECONDS[unit];
  if (secondsPerUnit === undefined && /^months?$/.test(unit) && calendar === "360_day") secondsPerUnit = 30 * 86400;
  if (secondsPerUnit === undefined && /^years?$/.test(unit) && calendar === "360_day") secondsPerUnit = 360 * 86400;
  if (secondsPerUnit === undefined) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${name}: time unit "${unit}" is not a fixed duration in calendar ${calendar} (months and years only in 360_day)`,
    );
  }
  const ref = parseReferenceDate(match[2] as string, name);
  return { unit, secondsPerUnit, reference: ref.date, referenceSeconds: ref.seconds };
}

function parseReferenceDate(text: string, name: string): { date: CivilDate; seconds: number } {
  const m =
    /^(-?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i.exec(
      text.trim(),
    );
  if (m === null)
    throw new FieldbenchError("INVALID_VALUE", `${name}: reference date "${text}" is not YYYY-MM-DD[ hh:mm:ss]`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    throw new FieldbenchError("INVALID_VALUE", `${name}: reference date "${text}" has no such month or day`);
  }
  let seconds = Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0);
  const zone = m[7];
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
    if (z !== null) seconds -= (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3] ?? 0) * 60);
  }
  return { date: { year, month, day }, seconds };
}

const CUM_365 = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const CUM_366 = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function gregorianToDays({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const doy = floorDiv(153 * (month + (month > 2 ? -3 : 9)) + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysToGregorian(days: number): CivilDate {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Julian-calendar date to days since 1970-01-01 (Gregorian), through the Julian Day Number. */
function julianToDays({ year, month, day }: CivilDate): number {
  const a = floorDiv(14 - month, 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const jdn = day + floorDiv(153 * m + 2, 5) + 365 * y + floorDiv(y, 4) - 32083;
  return jdn - 2440588;
}

function daysToJulian(days: number): CivilDate {
  const jdn = days + 2440588;
  const c = jdn + 32082;
  const d = floorDiv(4 * c + 3, 1461);
  const e = c - floorDiv(1461 * d, 4);
  const m = floorDiv(5 * e + 2, 153);
  const day = e - floorDiv(153 * m + 2, 5) + 1;
  const month = m + 3 - 12 * floorDiv(m, 10);
  const year = d - 4800 + floorDiv(m, 10);
  return { year, month, day };
}

/** Day of the Gregorian reform: 1582-10-15 (Gregorian) follows 1582-10-04 (Julian). */
const REFORM_DAYS = gregorianToDays({ year: 1582, month: 10, day: 15 });

function fixedYearToDays({ year, month, day }: CivilDate, cum: readonly number[], yearLength: number): number {
  return year * yearLength + (cum[month - 1] as number) + day - 1;
}

function daysToFixedYear(days: number, cum: readonly number[], yearLength: number): CivilDate {
  const year = floorDiv(days, yearLength);
  let doy = days - year * yearLength;
  let month = 1;
  while (month < 12 && doy >= (cum[month] as number)) month++;
  doy -= cum[month - 1] as number;
  return { year, month, day: doy + 1 };
}

/**
 * Julian and standard dates have no year 0 (1 BC is year -1), as in cftime's default; the arithmetic above
 * counts astronomically (year 0 = 1 BC).
 */
function withYearZero(date: CivilDate): CivilDate {
  return date.year < 0 ? { ...date, year: date.year + 1 } : date;
}

function withoutYearZero(date: CivilDate): CivilDate {
  return date.year <= 0 ? { ...date, year: date.year - 1 } : date;
}

export function dateToDays(date: CivilDate, calendar: CfCalendar): number {
  switch (calendar) {
    case "proleptic_gregorian":
      return gregorianToDays(date);
    case "julian":
      return julianToDays(withYearZero(date));
    case "standard":
    case "gregorian": {
      const asGregorian = gregorianToDays(date);
      if (asGregorian >= REFORM_DAYS) return asGregorian;
      if (date.year === 1582 && date.month === 10 && date.day > 4) {
        throw new FieldbenchError("INVALID_VALUE", `1582-10-${date.day} does not exist in the standard calendar`);
      }
      return julianToDays(withYearZero(date));
    }
    case "noleap":
    case "365_day":
      return fixedYearToDays(date, CUM_365, 365);
    case "all_leap":
    case "366_day":
      return fixedYearToDays(date, CUM_366, 366);
    case "360_day":
      return date.year * 360 + (date.month - 1) * 30 + date.day - 1;
  }
}

export function daysToDate(days: number, calendar: CfCalendar): CivilDate {
  switch (calendar) {
    case "proleptic_gregorian":
      return daysToGregorian(days);
    case "julian":
      return withoutYearZero(daysToJulian(days));
    case "standard":
    case "gregorian":
      return days >= REFORM_DAYS ? daysToGregorian(days) : withoutYearZero(daysToJulian(days));
    case "noleap":
    case "365_day":
      return daysToFixedYear(days, CUM_365, 365);
    case "all_leap":
    case "366_day":
      return daysToFixedYear(days, CUM_366, 366);
    case "360_day": {
      const year = floorDiv(days, 360);
      const doy = days - year * 360;
      return { year, month: Math.floor(doy / 30) + 1, day: (doy % 30) + 1 };
    }
  }
}

/**
 * Formats a calendar date and time of day as ISO-8601 (`YYYY-MM-DDThh:mm:ss[.ffffff]`, the microsecond digits
 * cftime's and Python's isoformat() print; the value is exact to the millisecond), years zero-padded.
 */
export function formatIso(date: CivilDate, secondsOfDay: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const ms = Math.round(secondsOfDay * 1000);
  const whole = Math.floor(ms / 1000);
  const frac = ms - whole * 1000;
  const hh = Math.floor(whole / 3600);
  const mm = Math.floor((whole % 3600) / 60);
  const ss = whole % 60;
  const year = date.year < 0 ? `-${pad(-date.year, 4)}` : pad(date.year, 4);
  return `${year}-${pad(date.month)}-${pad(date.day)}T${pad(hh)}:${pad(mm)}:${pad(ss)}${frac === 0 ? "" : `.${pad(frac, 3)}000`}`;
}

/** Decodes numeric offsets to ISO-8601 strings; NaN (missing) becomes null. */
export function decodeTimes(
  offsets: ArrayLike<number>,
  units: string,
  calendarAttr: string | undefined,
  name = "time",
): (string | null)[] {
  const calendar = normalizeCalendar(calendarAttr, name);
  const parsed = parseTimeUnits(units, calendar, name);
  const refDays = dateToDays(parsed.reference, calendar);
  const out: (string | null)[] = new Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) {
    const offset = offsets[i] as number;
    if (!Number.isFinite(offset)) {
      out[i] = null;
      continue;
    }
    // Work in whole milliseconds so that 0.1-day steps do not print 23:59:59.999.
    const totalMs = Math.round((parsed.referenceSeconds + offset * parsed.secondsPerUnit) * 1000);
    const dayMs = 86_400_000;
    const dayShift = floorDiv(totalMs, dayMs);
    const msOfDay = totalMs - dayShift * dayMs;
    out[i] = formatIso(daysToDate(refDays + dayShift, calendar), msOfDay / 1000);
  }
  return out;
}

/** Encodes a calendar date (and time of day) as an offset in the given units: the inverse of decodeTimes. */
export function encodeTime(date: CivilDate, secondsOfDay: number, units: string, calendarAttr?: string): number {
  const calendar = normalizeCalendar(calendarAttr);
  const parsed = parseTimeUnits(units, calendar);
  const days = dateToDays(date, calendar) - dateToDays(parsed.reference, calendar);
  return (days * 86400 + secondsOfDay - parsed.referenceSeconds) / parsed.secondsPerUnit;
}
