import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { variableStats, variableValues } from "../inspect.js";
import { openFile } from "../open.js";
import { parseFluxnetFileName } from "./file-name.js";
import { openFluxnetTable } from "./table.js";
import { parseTimestamp } from "./timestamps.js";

// Fixtures: tools/fixtures/fluxnet.py, written from the published FLUXNET2015 / AmeriFlux BASE formats.
const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "fluxnet");
const HH = join(FIXTURES, "FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2005-2005_1-4.csv");

describe("FLUXNET file names", () => {
  it("parses FLUXNET2015, ONEFlux and AmeriFlux BASE names", () => {
    expect(parseFluxnetFileName("/data/FLX_US-Ha1_FLUXNET2015_FULLSET_HH_1991-2012_1-4.csv")).toEqual({
      source: "FLX",
      site: "US-Ha1",
      dataset: "FLUXNET2015",
      product: "FULLSET",
      resolution: "HH",
      firstYear: 1991,
      lastYear: 2012,
      version: "1-4",
    });
    expect(parseFluxnetFileName("AMF_US-Ha1_BASE_HR_17-5.csv")).toEqual({
      source: "AMF",
      site: "US-Ha1",
      product: "BASE",
      resolution: "HR",
      version: "17-5",
    });
    expect(parseFluxnetFileName("AMF_US-Ha1_FLUXNET_SUBSET_DD_1991-2020_3-5.csv")).toMatchObject({
      dataset: "FLUXNET",
      product: "SUBSET",
      resolution: "DD",
      version: "3-5",
    });
    expect(parseFluxnetFileName("FLX_DE-Tha_FLUXNET2015_ERAI_YY_1989-2014_beta-3.csv")).toMatchObject({
      site: "DE-Tha",
      product: "ERAI",
      resolution: "YY",
      version: "beta-3",
    });
    expect(parseFluxnetFileName("measurements.csv")).toBeUndefined();
  });
});

describe("FLUXNET timestamps", () => {
  it("reads local standard time with UTC arithmetic: no DST gap on 2005-04-03", () => {
    // US DST began 2005-04-03 02:00; local wall clocks skipped 02:00-02:59, FLUXNET records do not.
    const before = parseTimestamp(200504030130, 12);
    const at = parseTimestamp(200504030200, 12);
    expect(at?.iso).toBe("2005-04-03T02:00");
    expect((at?.minutes ?? 0) - (before?.minutes ?? 0)).toBe(30);
    expect(parseTimestamp(20050402, 8)?.iso).toBe("2005-04-02");
    expect(parseTimestamp(200513, 6)).toBeUndefined();
    expect(parseTimestamp(200502300000, 12)).toBeUndefined();
    expect(parseTimestamp(200504022400, 12)?.iso).toBe("2005-04-03T00:00");
  });
});

describe("FLUXNET reader", () => {
  const cases = [
    [
      "FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2005-2005_1-4.csv",
      "FULLSET",
      "HH",
      "2005-04-01T00:00",
      "2005-04-05T00:00",
      192,
      34,
    ],
    [
      "FLX_US-Ha1_FLUXNET2015_SUBSET_HH_2005-2005_1-4.csv",
      "SUBSET",
      "HH",
      "2005-04-01T00:00",
      "2005-04-05T00:00",
      192,
      13,
    ],
    [
      "AMF_US-Ha1_FLUXNET_FULLSET_HR_2005-2005_3-5.csv",
      "FULLSET",
      "HR",
      "2005-04-01T00:00",
      "2005-04-03T00:00",
      48,
      13,
    ],
    ["FLX_US-Ha1_FLUXNET2015_SUBSET_DD_2005-2005_1-4.csv", "SUBSET", "DD", "2005-04-01", "2005-04-05", 5, 10],
    ["FLX_US-Ha1_FLUXNET2015_SUBSET_WW_2005-2005_1-4.csv", "SUBSET", "WW", "2005-04-01", "2005-04-21", 3, 5],
    ["FLX_US-Ha1_FLUXNET2015_SUBSET_MM_2005-2005_1-4.csv", "SUBSET", "MM", "2005-01", "2005-12", 12, 5],
    ["FLX_US-Ha1_FLUXNET2015_SUBSET_YY_2003-2005_1-4.csv", "SUBSET", "YY", "2003", "2005", 3, 5],
    ["AMF_US-Ha1_BASE_HR_17-5.csv", "BASE", "HR", "2005-04-01T00:00", "2005-04-03T00:00", 48, 12],
  ] as const;
  for (const [name, product, resolution, start, end, rows, columns] of cases) {
    it(`${name}: the fluxnet block`, async () => {
      const file = await openFile(join(FIXTURES, name));
      expect(file.format).toBe("fluxnet");
      expect(file.extra?.fluxnet).toMatchObject({ site: "US-Ha1", product, resolution, start, end, rows, columns });
      expect(file.variables).toHaveLength(columns + 1);
      await file.close();
    });
  }

  it("returns the same columns whether kept during validation or read again", async () => {
    const names = ["NEE_VUT_REF", "TIMESTAMP_START", "TA_F"];
    const kept = await openFluxnetTable(HH, { keep: names });
    const plain = await openFluxnetTable(HH);
    expect(await kept.readColumns(names, [90, 110])).toEqual(await plain.readColumns(names, [90, 110]));
    expect(await kept.readColumns(names)).toEqual(await plain.readColumns(names));
  });

  it("reads the AmeriFlux BASE header lines", async () => {
    const file = await openFile(join(FIXTURES, "AMF_US-Ha1_BASE_HR_17-5.csv"));
    expect(file.extra?.fluxnet).toMatchObject({ version: "17-5", comments: { Site: "US-Ha1", Version: "17-5" } });
    await file.close();
  });

  it("masks -9999 through _FillValue", async () => {
    const file = await openFile(HH);
    const nee = file.variables.find((v) => v.name === "NEE_VUT_REF");
    expect(nee?.attrs._FillValue).toBe(-9999);
    // 2005-04-02, records 10..39 are -9999: 30 missing of 192
    const stats = await variableStats(file, "NEE_VUT_REF");
    expect(stats).toMatchObject({ count: 162, missing: 30 });
    // k/10 - 2 over k = 0..47 on days 1, 3, 4 (sum 4 * ... ) and k outside 10..39 on day 2
    const fullDay = 48 * -2 + (47 * 48) / 2 / 10; // 16.8
    const partDay = [...Array(10).keys(), ...[40, 41, 42, 43, 44, 45, 46, 47]].reduce((s, k) => s + k / 10 - 2, 0);
    expect(stats.sum).toBeCloseTo(3 * fullDay + partDay, 9);
    await file.close();
  });

  it("gives ISO-8601 times across the DST change without a shift", async () => {
    const file = await openFile(HH);
    const times = (await variableValues(file, "time")).values;
    // 2005-04-03 starts at record 96; 01:30, 02:00, 02:30, 03:00 are records 99..102
    expect(times.slice(99, 103)).toEqual([
      "2005-04-03T01:30:00",
      "2005-04-03T02:00:00",
      "2005-04-03T02:30:00",
      "2005-04-03T03:00:00",
    ]);
    expect(times).toHaveLength(192);
    const slice = await file.read("TIMESTAMP_START", [[99, 101]]);
    expect(Array.from(slice.data as Float64Array)).toEqual([200504030130, 200504030200]);
    await file.close();
  });
});

describe("FLUXNET line endings and time zones", () => {
  it("reads CRLF files and ignores the machine's time zone", async () => {
    const saved = process.env.TZ;
    process.env.TZ = "America/New_York"; // a zone that sprang forward at 2005-04-03 02:00
    try {
      const dir = mkdtempSync(join(tmpdir(), "fieldbench-fluxnet-crlf-"));
      const path = join(dir, "FLX_US-Xx1_FLUXNET2015_SUBSET_HH_2005-2005_1-4.csv");
      const rows = [
        "TIMESTAMP_START,TIMESTAMP_END,NEE_VUT_REF",
        "200504030130,200504030200,1",
        "200504030200,200504030230,-9999",
        "200504030230,200504030300,3",
      ];
      writeFileSync(path, `${rows.join("\r\n")}\r\n`);
      const file = await openFile(path);
      expect(file.extra?.fluxnet).toMatchObject({
        site: "US-Xx1",
        resolution: "HH",
        rows: 3,
        start: "2005-04-03T01:30",
        end: "2005-04-03T03:00",
      });
      expect((await variableValues(file, "time")).values).toEqual([
        "2005-04-03T01:30:00",
        "2005-04-03T02:00:00",
        "2005-04-03T02:30:00",
      ]);
      expect((await variableValues(file, "NEE_VUT_REF")).values).toEqual([1, null, 3]);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe("FLUXNET bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "fieldbench-fluxnet-"));
  const header = "TIMESTAMP_START,TIMESTAMP_END,TA_F,NEE_VUT_REF";

  async function openError(name: string, text: string): Promise<{ code: string; message: string }> {
    const path = join(dir, name);
    writeFileSync(path, text);
    try {
      await openFile(path);
    } catch (err) {
      if (isFieldbenchError(err)) return { code: err.code, message: err.message };
      throw err;
    }
    throw new Error(`${name} opened`);
  }

  it("names file, line and problem for a wrong column count", async () => {
    const text = `${header}\n200501010000,200501010030,1.5,2\n200501010030,200501010100,1.5\n`;
    const err = await openError("short-row.csv", text);
    expect(err.code).toBe("CORRUPT_FILE");
    expect(err.message).toMatch(/short-row\.csv: line 3: 3 fields where the header has 4 columns$/);
  });

  it("names file, line, column and value for a non-numeric field", async () => {
    const text = `# Site: US-Xx1\n${header}\n200501010000,200501010030,1.5,2\n200501010030,200501010100,warm,2\n`;
    const err = await openError("text-value.csv", text);
    expect(err.code).toBe("CORRUPT_FILE");
    expect(err.message).toMatch(/text-value\.csv: line 4: column TA_F: "warm" is not a number$/);
  });

  it("refuses records out of time order or repeated", async () => {
    const text = `${header}\n200501010030,200501010100,1,2\n200501010000,200501010030,1,2\n`;
    const err = await openError("unsorted.csv", text);
    expect(err.message).toMatch(
      /unsorted\.csv: line 3: TIMESTAMP_START 200501010000 does not follow the previous record's/,
    );
  });

  it("refuses an impossible timestamp and an empty field", async () => {
    const bad = await openError("bad-date.csv", `${header}\n200502300000,200502300030,1,2\n`);
    expect(bad.message).toMatch(
      /bad-date\.csv: line 2: TIMESTAMP_START 200502300000 is not a 12-digit FLUXNET timestamp/,
    );
    const empty = await openError("empty-field.csv", `${header}\n200501010000,200501010030,,2\n`);
    expect(empty.message).toMatch(/empty-field\.csv: line 2: column TA_F: "" is not a number/);
  });
});
