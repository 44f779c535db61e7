import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { openCmip6Dataset, parseCmip6Directory, parseCmip6FileName } from "./cmip6.js";
import { regridField, regularGrid } from "./regrid.js";

const FIXTURES = join(import.meta.dirname, "../fixtures");
const TAS_DIR = join(FIXTURES, "cmip6/CMIP6/CMIP/NCAR/CESM2/historical/r1i1p1f1/Amon/tas/gn/v20190308");
const PR_DIR = join(FIXTURES, "cmip6/CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/pr/gn/v20190507");
// Dates as cftime decodes them and values as netCDF4-python wrote them (tools/fixtures/cmip6.py).
const expected = JSON.parse(readFileSync(join(FIXTURES, "cmip6/expected.json"), "utf8")) as Record<
  string,
  { times: string[]; first?: (number | null)[]; bounds?: string[][] }
>;

describe("CMIP6 DRS names", () => {
  it("parses a file name with a time range", () => {
    expect(parseCmip6FileName("/x/tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-201412.nc")).toEqual({
      variable_id: "tas",
      table_id: "Amon",
      source_id: "CESM2",
      experiment_id: "historical",
      member_id: "r1i1p1f1",
      variant_label: "r1i1p1f1",
      sub_experiment_id: "none",
      grid_label: "gn",
      time_range: "185001-201412",
      time_start: "185001",
      time_end: "201412",
    });
  });

  it("parses a sub-experiment member and a name without time range", () => {
    const n = parseCmip6FileName("orog_fx_MPI-ESM1-2-HR_dcppA-hindcast_s1960-r2i1p1f1_gn.nc");
    expect([n.member_id, n.sub_experiment_id, n.variant_label, n.time_range]).toEqual([
      "s1960-r2i1p1f1",
      "s1960",
      "r2i1p1f1",
      undefined,
    ]);
  });

  it("names the file and the problem when a field is missing", () => {
    const path = "/data/tas_Amon_CESM2_historical_gn_185001-201412.nc";
    expect(() => parseCmip6FileName(path)).toThrow(
      `${path}: not a CMIP6 DRS file name: the 5th field (member_id) "gn" has no variant label r<k>i<l>p<m>f<n>; is a field missing?`,
    );
    expect(() => parseCmip6FileName("/d/tas_Amon_CESM2_r1i1p1f1_gn.nc")).toThrow(/found 5 fields separated by "_"/);
  });

  it("parses the DRS directory and checks its depth", () => {
    const d = parseCmip6Directory(join(TAS_DIR, "tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185004.nc"));
    expect(d).toMatchObject({
      mip_era: "CMIP6",
      activity_id: "CMIP",
      institution_id: "NCAR",
      source_id: "CESM2",
      version: "v20190308",
    });
    expect(parseCmip6Directory("/tmp/tas_Amon_CESM2_historical_r1i1p1f1_gn.nc")).toBeUndefined();
    expect(() => parseCmip6Directory("/a/CMIP6/CMIP/NCAR/CESM2/tas_Amon_CESM2_historical_r1i1p1f1_gn.nc")).toThrow(
      /4 of the 10 DRS levels/,
    );
  });
});

describe("CMIP6 multi-file datasets", () => {
  const tasFiles = readdirSync(TAS_DIR).map((n) => join(TAS_DIR, n));

  it("opens three noleap files as one series and reports the missing month with its dates", async () => {
    // Given in reverse order: the loader sorts by time.
    const ds = await openCmip6Dataset([...tasFiles].reverse());
    try {
      expect(ds.identity).toMatchObject({
        variable_id: "tas",
        source_id: "CESM2",
        experiment_id: "historical",
        member_id: "r1i1p1f1",
        calendar: "noleap",
        frequency: "mon",
      });
      expect(ds.files.map((f) => f.steps)).toEqual([4, 3, 4]);
      const names = Object.keys(expected).filter((n) => n.startsWith("tas_"));
      expect(ds.time.iso).toEqual(names.flatMap((n) => expected[n]?.times ?? []));
      expect(ds.time.units).toBe("days since 1850-01-01 00:00:00");
      // The third file counts from 1850-09-01; on the common axis September's midpoint is day 258 (243 + 15).
      expect(ds.time.values[7]).toBe(258);
      expect(ds.issues).toHaveLength(1);
      expect(ds.issues[0]).toMatchObject({
        kind: "gap",
        after: "1850-04-16T00:00:00",
        before: "1850-06-16T00:00:00",
        missingSteps: 1,
        missing: ["1850-05"],
        afterFile: "tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185004.nc",
        beforeFile: "tas_Amon_CESM2_historical_r1i1p1f1_gn_185006-185008.nc",
      });
      expect(ds.issues[0]?.message).toContain("1 missing step (1850-05)");
      // Time bounds kept (noleap: April is days 90..120) and lat/lon bounds kept.
      expect(Array.from(ds.time.bounds?.slice(6, 8) ?? [])).toEqual([90, 120]);
      expect(Array.from(ds.latBounds?.slice(0, 2) ?? [])).toEqual([-90, -60]);
      expect(ds.lonBounds?.length).toBe(24);
      // Values equal what netCDF4-python wrote, the 1e20 fill masked.
      const step0 = await ds.readStep(0);
      expect(step0.shape).toEqual([6, 12]);
      const first = expected["tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185004.nc"]?.first as (number | null)[];
      expect(Array.from(step0.data.slice(0, 3), (v) => (Number.isNaN(v) ? null : v))).toEqual(first.slice(0, 3));
      const step4 = await ds.readStep(4); // June, the first step of the second file
      const june = expected["tas_Amon_CESM2_historical_r1i1p1f1_gn_185006-185008.nc"]?.first as (number | null)[];
      expect(Array.from(step4.data.slice(0, 3), (v) => (Number.isNaN(v) ? null : v))).toEqual(june.slice(0, 3));
    } finally {
      await ds.close();
    }
  });

  it("reports an overlap when a file is given twice", async () => {
    const ds = await openCmip6Dataset([tasFiles[0] as string, tasFiles[0] as string]);
    expect(ds.issues.some((i) => i.kind === "overlap")).toBe(true);
    await ds.close();
  });

  it("decodes a 360_day series to the dates cftime gives", async () => {
    const ds = await openCmip6Dataset(readdirSync(PR_DIR).map((n) => join(PR_DIR, n)));
    const ref = expected["pr_Amon_UKESM1-0-LL_ssp585_r1i1p1f2_gn_201501-201512.nc"];
    expect(ds.identity.calendar).toBe("360_day");
    expect(ds.time.iso).toEqual(ref?.times);
    expect(ds.time.iso[1]).toBe("2015-02-16T00:00:00");
    expect(ds.issues).toEqual([]);
    await ds.close();
  });

  it("refuses a file whose calendar is unknown, naming the file", async () => {
    const path = join(FIXTURES, "cmip6-bad/tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185001.nc");
    const err = (await openCmip6Dataset([path]).catch((e: unknown) => e)) as FieldbenchError;
    expect(err.code).toBe("CALENDAR_UNSUPPORTED");
    expect(err.message).toMatch(new RegExp(`^${path}: time: unknown calendar "mayan_long_count"`));
  });
});

describe("a CMIP6 step on the ERA5 grid", () => {
  it("regrids conservatively with the file's bounds, keeping the area-weighted mean", async () => {
    const ds = await openCmip6Dataset([join(TAS_DIR, "tas_Amon_CESM2_historical_r1i1p1f1_gn_185006-185008.nc")]);
    const step = await ds.readStep(1); // step 0 of each file has one masked value
    const era5 = regularGrid(721, 1440);
    const bounds = {
      ...(ds.latBounds ? { latBounds: ds.latBounds } : {}),
      ...(ds.lonBounds ? { lonBounds: ds.lonBounds } : {}),
    };
    const out = regridField(step, era5, "conservative", bounds);
    expect(out.shape).toEqual([721, 1440]);
    expect(out.coords?.latitude?.[0]).toBe(90);
    // Area-weighted means: source cells are 30 x 30 degrees; target cells 0.25 degrees (poles half cells).
    const rad = Math.PI / 180;
    let s = 0;
    let w = 0;
    ds.lat.forEach((lat, j) => {
      const area = Math.sin((lat + 15) * rad) - Math.sin((lat - 15) * rad);
      for (let i = 0; i < 12; i++) {
        s += (step.data[j * 12 + i] as number) * area;
        w += area;
      }
    });
    let t = 0;
    let tw = 0;
    for (let j = 0; j < 721; j++) {
      const lat = 90 - j * 0.25;
      const area = Math.sin(Math.min(90, lat + 0.125) * rad) - Math.sin(Math.max(-90, lat - 0.125) * rad);
      for (let i = 0; i < 1440; i++) {
        t += (out.data[j * 1440 + i] as number) * area;
        tw += area;
      }
    }
    expect(t / tw).toBeCloseTo(s / w, 3);
    await ds.close();
  });
});

describe("CMIP6 global attributes", () => {
  const dir = mkdtempSync(join(tmpdir(), "cmip6-attrs-"));
  const source = join(TAS_DIR, "tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185004.nc");

  /** Copies the fixture and edits it with netCDF4-python (delete or keep attributes). */
  function edited(name: string, python: string): string {
    const path = join(dir, name);
    copyFileSync(source, path);
    const run = spawnSync(
      "/usr/bin/python3",
      ["-c", `import sys, netCDF4\nds = netCDF4.Dataset(sys.argv[1], "a")\n${python}\nds.close()`, path],
      { encoding: "utf8" },
    );
    if (run.status !== 0) throw new Error(run.stderr);
    return path;
  }

  it("refuses a file missing required attributes, naming them", async () => {
    const path = edited(
      "tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185004.nc",
      "ds.delncattr('variant_label')\nds.delncattr('frequency')",
    );
    await expect(openCmip6Dataset([path])).rejects.toThrow(
      `${path}: missing CMIP6 global attributes frequency, variant_label`,
    );
  });

  it("refuses a file whose attributes contradict its name", async () => {
    const path = edited("tas_Amon_CESM2-WACCM_historical_r1i1p1f1_gn_185001-185004.nc", "pass");
    await expect(openCmip6Dataset([path])).rejects.toThrow(
      `${path}: global attribute source_id is "CESM2" but the file name says "CESM2-WACCM"`,
    );
  });
});
