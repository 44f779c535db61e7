import {
  type CfCalendar,
  type CivilDate,
  dateToDays,
  daysToDate,
  formatIso,
  parseTimeUnits,
} from "@fieldbench/formats";

/** A time value as a calendar day number (days since the calendar's own epoch, fractional). */
export function toDayNumber(offset: number, units: string, calendar: CfCalendar): number {
  const parsed = parseTimeUnits(units, calendar);
  return dateToDays(parsed.reference, calendar) + (parsed.referenceSeconds + offset * parsed.secondsPerUnit) / 86400;
}

/** The inverse: a day number back to an offset in `units`. */
export function fromDayNumber(day: number, units: string, calendar: CfCalendar): number {
  const parsed = parseTimeUnits(units, calendar);
  const refDay = dateToDays(parsed.reference, calendar);
  return ((day - refDay) * 86400 - parsed.referenceSeconds) / parsed.secondsPerUnit;
}

export function dayNumberToDate(day: number, calendar: CfCalendar): { date: CivilDate; iso: string } {
  const ms = Math.round(day * 86_400_000);
  const whole = Math.floor(ms / 86_400_000);
  const date = daysToDate(whole, calendar);
  return { date, iso: formatIso(date, (ms - whole * 86_400_000) / 1000) };
}

/** A break in the series: steps missing between two times, or times that repeat or go backwards. */
export interface TimeIssue {
  readonly kind: "gap" | "overlap";
  /** The last step before the break and the first after it, ISO-8601 in the series' calendar. */
  readonly after: string;
  readonly before: string;
  /** For gaps: how many steps are missing and, for monthly/yearly/daily data, their labels (YYYY-MM, ...). */
  readonly missingSteps?: number;
  readonly missing?: readonly string[];
  readonly afterFile: string;
  readonly beforeFile: string;
  readonly message: string;
}

/** Expected step for a CMIP6 frequency: calendar months/years, or a fixed number of days. */
type Step = { unit: "month"; n: number } | { unit: "day"; n: number };

export function stepOfFrequency(frequency: string): Step | undefined {
  const f = frequency.replace(/(Pt|C|CM)$/, "");
  if (f === "mon") return { unit: "month", n: 1 };
  if (f === "yr" || f === "dec") return { unit: "month", n: f === "yr" ? 12 : 120 };
  if (f === "day") return { unit: "day", n: 1 };
  const hours = /^(\d+)hr$/.exec(f);
  if (hours !== null) return { unit: "day", n: Number(hours[1]) / 24 };
  if (f === "subhr") return undefined;
  return undefined;
}

/**
 * Finds gaps and overlaps in a sorted series of step times (day numbers). Monthly and yearly series
 * compare calendar months, so 28-, 30- and 31-day months (and any calendar) need no tolerance.
 */
export function findTimeIssues(
  days: readonly number[],
  files: readonly string[],
  calendar: CfCalendar,
  frequency: string,
): TimeIssue[] {
  const issues: TimeIssue[] = [];
  const step = stepOfFrequency(frequency) ?? inferStep(days);
  for (let i = 1; i < days.length; i++) {
    const a = dayNumberToDate(days[i - 1] as number, calendar);
    const b = dayNumberToDate(days[i] as number, calendar);
    let steps: number;
    if (step.unit === "month") {
      steps = (b.date.year * 12 + b.date.month - (a.date.year * 12 + a.date.month)) / step.n;
    } else {
      steps = ((days[i] as number) - (days[i - 1] as number)) / step.n;
    }
    const base = { after: a.iso, before: b.iso, afterFile: files[i - 1] as string, beforeFile: files[i] as string };
    if (steps < 0.5) {
      issues.push({
        kind: "overlap",
        ...base,
        message: `overlap: ${b.iso} (${base.beforeFile}) does not come after ${a.iso} (${base.afterFile})`,
      });
    } else if (steps > 1.5) {
      const missingSteps = Math.round(steps) - 1;
      const missing = missingLabels(a.date, missingSteps, step, days[i - 1] as number, calendar);
      issues.push({
        kind: "gap",
        ...base,
        missingSteps,
        missing,
        message: `gap: ${missingSteps} missing step${missingSteps > 1 ? "s" : ""} (${abbreviate(missing)}) between ${a.iso} (${base.afterFile}) and ${b.iso} (${base.beforeFile})`,
      });
    }
  }
  return issues;
}

function inferStep(days: readonly number[]): Step {
  const diffs = days
    .slice(1)
    .map((d, i) => d - (days[i] as number))
    .filter((d) => d > 0)
    .sort((x, y) => x - y);
  const median = diffs[Math.floor(diffs.length / 2)] ?? 1;
  if (median >= 27 && median <= 32) return { unit: "month", n: 1 };
  if (median >= 359 && median <= 367) return { unit: "month", n: 12 };
  return { unit: "day", n: median };
}

function missingLabels(from: CivilDate, count: number, step: Step, fromDay: number, calendar: CfCalendar): string[] {
  const labels: string[] = [];
  for (let k = 1; k <= Math.min(count, 1000); k++) {
    if (step.unit === "month") {
      const index = from.year * 12 + (from.month - 1) + k * step.n;
      const year = Math.floor(index / 12);
      const month = index - year * 12 + 1;
      labels.push(step.n === 1 ? `${pad(year, 4)}-${pad(month, 2)}` : pad(year, 4));
    } else {
      labels.push(dayNumberToDate(fromDay + k * step.n, calendar).iso);
    }
  }
  return labels;
}

function pad(n: number, width: number): string {
  return n < 0 ? `-${String(-n).padStart(width, "0")}` : String(n).padStart(width, "0");
}

function abbreviate(labels: readonly string[]): string {
  return labels.length <= 4 ? labels.join(", ") : `${labels.slice(0, 2).join(", ")}, ..., ${labels[labels.length - 1]}`;
}
