import { spawnSync } from "node:child_process";
import { createRng, isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { CF_CALENDARS, decodeTimes, encodeTime } from "./time.js";

interface Case {
  units: string;
  calendar: string;
  offsets: number[];
}

/** cftime.num2date(...).isoformat() for each case, computed by Debian's python3 in this run. */
function cftimeIso(cases: readonly Case[]): string[][] {
  const script = `
import json, sys, cftime
out = []
for case in json.load(sys.stdin):
    dates = cftime.num2date(case["offsets"], case["units"], case["calendar"])
    out.append([d.isoformat() for d in dates])
json.dump(out, sys.stdout)
`;
  const run = spawnSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

// Reference dates valid in every calendar (day <= 28), with and without a time of day, before and after 1582,
// and near year 1 so that results reach years before it (no year 0 in julian and standard, as in cftime).
const REFERENCES = [
  "2000-01-01",
  "1850-01-01 00:00:00",
  "1582-10-01 12:00:00",
  "1582-10-20",
  "1000-06-15 06:30:00",
  "0500-02-28",
  "1970-01-01T12:00:00",
  "1900-02-28 23:59:59",
  "0001-01-01",
  "0100-01-01 06:00:00",
];
const UNITS = { days: 86400, hours: 3600, minutes: 60, seconds: 1 } as const;
/** Offsets reach +-400 years; days come in quarter days and seconds in quarter seconds (exact in binary). */
const SPAN_SECONDS = 400 * 365 * 86400;

function randomCases(): Case[] {
  const rng = createRng("cf-time-vs-cftime");
  const cases: Case[] = [];
  for (const calendar of CF_CALENDARS) {
    for (const reference of REFERENCES) {
      for (const [unit, seconds] of Object.entries(UNITS)) {
        const offsets: number[] = [];
        for (let i = 0; i < 12; i++) {
          const steps = SPAN_SECONDS / seconds;
          const grain = unit === "days" || unit === "seconds" ? 4 : 1;
          offsets.push(Math.round((rng.uniform() * 2 - 1) * steps * grain) / grain);
        }
        cases.push({ units: `${unit} since ${reference}`, calendar, offsets });
      }
    }
  }
  return cases;
}

describe("decodeTimes against cftime.num2date", () => {
  it("agrees on random offsets in every calendar, unit and reference date", () => {
    const cases = randomCases();
    const expected = cftimeIso(cases);
    let compared = 0;
    cases.forEach((c, i) => {
      const ours = decodeTimes(c.offsets, c.units, c.calendar);
      expect(ours, `${c.offsets} ${c.units} (${c.calendar})`).toEqual(expected[i]);
      compared += ours.length;
    });
    expect(compared).toBeGreaterThanOrEqual(3000);
    // The draw reaches the corners that matter: years before 1, and fractions of a second.
    const all = expected.flat();
    expect(all.filter((iso) => iso.startsWith("-")).length).toBeGreaterThan(20);
    expect(all.filter((iso) => /\.\d{6}$/.test(iso)).length).toBeGreaterThan(100);
  });

  it("agrees across the 1582 Julian/Gregorian switch of the standard calendar, day by day", () => {
    const offsets = Array.from({ length: 40 }, (_, i) => i - 10);
    const cases = ["standard", "gregorian", "julian", "proleptic_gregorian"].map((calendar) => ({
      units: "days since 1582-10-01",
      calendar,
      offsets,
    }));
    const expected = cftimeIso(cases);
    cases.forEach((c, i) => {
      expect(decodeTimes(c.offsets, c.units, c.calendar)).toEqual(expected[i]);
    });
    // Worked by hand: 1582-10-04 (Julian) is followed by 1582-10-15 (Gregorian).
    expect(decodeTimes([3, 4], "days since 1582-10-01", "standard")).toEqual([
      "1582-10-04T00:00:00",
      "1582-10-15T00:00:00",
    ]);
  });

  it("applies a time-zone offset on the reference date as cftime does, in every calendar and across midnight", () => {
    // UDUNITS allows an offset after the time; the reference instant is then local time minus the offset.
    const zones = ["+05:30", "-06:00", "+0530", "-0600", "+12", "Z", "UTC", " +01:00", "+00:00"];
    const cases = CF_CALENDARS.flatMap((calendar) =>
      zones.flatMap((zone) => [
        {
          units: `hours since 2000-01-01 00:00:00${zone.startsWith(" ") || zone === "Z" ? zone : ` ${zone}`}`,
          calendar,
          offsets: [0, 1.5, -30, 8760],
        },
        { units: `days since 1999-12-30T23:30:00${zone.trim()}`, calendar, offsets: [0, 0.25, 59, -1] },
      ]),
    );
    const expected = cftimeIso(cases);
    cases.forEach((c, i) => {
      expect(decodeTimes(c.offsets, c.units, c.calendar), `${c.units} (${c.calendar})`).toEqual(expected[i]);
    });
    // Worked by hand: midnight at UTC+05:30 is 18:30 UTC the day before.
    expect(decodeTimes([0], "hours since 2000-01-01 00:00:00 +05:30", "standard")).toEqual(["1999-12-31T18:30:00"]);
  });

  it("reads UDUNITS' own example offset, -6:00 (one hour digit), as six hours west of UTC", () => {
    // UDUNITS-2 manual: "seconds since 1992-10-8 15:15:42.5 -6:00" is 21:15:42.5 UTC. cftime 1.6 drops an
    // offset whose hour has one digit (it needs two) and ncdump -t drops every offset; UDUNITS is the grammar
    // CF adopts, so its reading holds here.
    expect(decodeTimes([0, 60], "seconds since 1992-10-8 15:15:42.5 -6:00", "standard")).toEqual([
      "1992-10-08T21:15:42.500000",
      "1992-10-08T21:16:42.500000",
    ]);
  });

  it("knows the days CF users check by hand", () => {
    expect(decodeTimes([59], "days since 2000-01-01", "noleap")).toEqual(["2000-03-01T00:00:00"]);
    expect(decodeTimes([30], "days since 2000-01-01", "360_day")).toEqual(["2000-02-01T00:00:00"]);
    expect(decodeTimes([59], "days since 2000-01-01", "all_leap")).toEqual(["2000-02-29T00:00:00"]);
    // 1900 is a leap year in the Julian calendar only: 59 days after 1900-01-01 is Feb 29 there.
    expect(decodeTimes([59], "days since 1900-01-01", "julian")).toEqual(["1900-02-29T00:00:00"]);
    expect(decodeTimes([59], "days since 1900-01-01", "standard")).toEqual(["1900-03-01T00:00:00"]);
    expect(decodeTimes([Number.NaN], "days since 2000-01-01", "noleap")).toEqual([null]);
  });

  it("refuses a reference date in the ten days the 1582 reform skipped, as cftime does", () => {
    let caught: unknown;
    try {
      decodeTimes([0], "days since 1582-10-10", "standard");
    } catch (err) {
      caught = err;
    }
    expect(isFieldbenchError(caught, "INVALID_VALUE")).toBe(true);
  });

  it("inverts with encodeTime", () => {
    expect(encodeTime({ year: 2000, month: 3, day: 1 }, 0, "days since 2000-01-01", "noleap")).toBe(59);
    expect(encodeTime({ year: 2000, month: 2, day: 1 }, 43200, "hours since 2000-01-01", "360_day")).toBe(732);
  });

  it("refuses an unknown calendar with CALENDAR_UNSUPPORTED", () => {
    let caught: unknown;
    try {
      decodeTimes([0], "days since 2000-01-01", "hebrew");
    } catch (err) {
      caught = err;
    }
    expect(isFieldbenchError(caught, "CALENDAR_UNSUPPORTED")).toBe(true);
    expect((caught as Error).message).toContain("hebrew");
  });
});
