import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// Fixtures: tools/fixtures/cmip6.py, era5.py (netCDF4-python, eccodes, zarr) and grib2.py (eccodes).
const LOADER_FIXTURES = fileURLToPath(new URL("../../../loaders/fixtures/", import.meta.url));
const FORMAT_FIXTURES = fileURLToPath(new URL("../../../formats/fixtures/", import.meta.url));
const TAS_DIR = join(LOADER_FIXTURES, "cmip6/CMIP6/CMIP/NCAR/CESM2/historical/r1i1p1f1/Amon/tas/gn/v20190308");
const TAS_1 = join(TAS_DIR, "tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185004.nc");
const tmp = mkdtempSync(join(tmpdir(), "cli-datasets-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv);

describe("fieldbench datasets catalog", () => {
  it("writes an intake-esm style CSV of a CMIP6 DRS tree", async () => {
    const out = join(tmp, "cmip6.csv");
    const r = await run(["datasets", "catalog", join(LOADER_FIXTURES, "cmip6"), "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.variable_id).sort()).toEqual(["pr", "tas", "tas", "tas"]);
    const first = rows.find((row) => row.path?.endsWith("185001-185004.nc"));
    expect(first).toMatchObject({
      project: "CMIP6",
      activity_id: "CMIP",
      institution_id: "NCAR",
      source_id: "CESM2",
      experiment_id: "historical",
      member_id: "r1i1p1f1",
      table_id: "Amon",
      grid_label: "gn",
      version: "v20190308",
      frequency: "mon",
      calendar: "noleap",
      time_range: "185001-185004",
      start_time: "1850-01-16T12:00:00",
      end_time: "1850-04-16T00:00:00",
      units: "K",
      format: "netcdf4",
    });
    // Paths are relative to the CSV's folder, so the catalog travels with the data.
    expect(first?.path?.startsWith("../")).toBe(true);
    const pr = rows.find((row) => row.variable_id === "pr");
    expect(pr).toMatchObject({
      source_id: "UKESM1-0-LL",
      member_id: "r1i1p1f2",
      calendar: "360_day",
      start_time: "2015-01-16T00:00:00",
    });
  });

  it("lists each variable of each ERA5 file and store", async () => {
    const r = await run(["datasets", "catalog", join(LOADER_FIXTURES, "era5"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { rows } = JSON.parse(r.stdout) as { rows: Record<string, string>[] };
    const layouts = rows.map((row) => `${row.layout}:${row.variable_id}`);
    for (const layout of ["cds-netcdf-legacy", "cds-netcdf", "cds-grib", "arco-zarr"]) {
      for (const v of ["u10", "v10", "t2m", "tcwv"]) expect(layouts).toContain(`${layout}:${v}`);
    }
    const zarr = rows.find((row) => row.layout === "arco-zarr" && row.variable_id === "t2m");
    expect(zarr).toMatchObject({
      project: "ERA5",
      frequency: "6hr",
      start_time: "2020-05-28T00:00:00",
      end_time: "2020-05-28T12:00:00",
      format: "zarr",
    });
  });

  it("fails with exit 2 and one line naming the file when a DRS name misses a field; nothing is written", async () => {
    const dir = join(tmp, "drs/CMIP6/CMIP/NCAR/CESM2/historical/r1i1p1f1/Amon/tas/gn/v20190308");
    mkdirSync(dir, { recursive: true });
    const bad = join(dir, "tas_Amon_CESM2_historical_gn_185001-185004.nc");
    copyFileSync(TAS_1, bad);
    const out = join(tmp, "bad.csv");
    const r = await run(["datasets", "catalog", join(tmp, "drs"), "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `fieldbench: ${bad}: not a CMIP6 DRS file name: the 5th field (member_id) "gn" has no variant label r<k>i<l>p<m>f<n>; is a field missing?\n`,
    );
    expect(existsSync(out)).toBe(false);
    const skipped = await run(["datasets", "catalog", join(tmp, "drs"), "--json", "--skip-invalid"]);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout).rows).toEqual([]);
  });

  it("fails with exit 2 on a CMIP6 file whose calendar is unknown", async () => {
    const r = await run(["datasets", "catalog", join(LOADER_FIXTURES, "cmip6-bad")]);
    expect(r.code).toBe(2);
    const path = join(LOADER_FIXTURES, "cmip6-bad/tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185001.nc");
    expect(r.stderr).toMatch(
      new RegExp(`^fieldbench: ${path}: time: unknown calendar "mayan_long_count" \\(known: .*\\)\\n$`),
    );
  });

  it("fails with exit 2 on a GRIB2 message cut short, in the catalog and in inspect", async () => {
    const dir = join(tmp, "grib");
    mkdirSync(dir, { recursive: true });
    const bytes = readFileSync(join(FORMAT_FIXTURES, "era5-sfc.ccsds.grib2"));
    const cut = join(dir, "era5.grib2");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 300));
    for (const argv of [
      ["inspect", cut, "--json"],
      ["datasets", "catalog", dir],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `^fieldbench: ${cut}: GRIB2 message 4 is cut short: it declares \\d+ bytes but \\d+ remain from byte \\d+\\n$`,
        ),
      );
    }
  });
});

describe("fieldbench inspect shows the ERA5 / CMIP6 identity", () => {
  it("adds a cmip6 block", async () => {
    const r = await run(["inspect", TAS_1, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("netcdf4");
    expect(report.cmip6).toEqual({
      variable_id: "tas",
      source_id: "CESM2",
      experiment_id: "historical",
      member_id: "r1i1p1f1",
      table_id: "Amon",
      grid_label: "gn",
      frequency: "mon",
      calendar: "noleap",
      time_start: "1850-01-16T12:00:00",
      time_end: "1850-04-16T00:00:00",
    });
  });

  it("adds an era5 block for a GRIB2 file and keeps the grib2 block", async () => {
    const r = await run(["inspect", join(LOADER_FIXTURES, "era5/cds.ccsds.grib2"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.grib2.messages).toHaveLength(8);
    expect(report.grib2.messages[0]).toMatchObject({
      shortName: "10u",
      typeOfLevel: "heightAboveGround",
      level: 10,
      packingType: "grid_ccsds",
    });
    expect(report.era5).toEqual({
      layout: "cds-grib",
      variables: ["u10", "v10", "t2m", "tcwv"],
      calendar: "proleptic_gregorian",
      time_start: "2020-05-28T00:00:00",
      time_end: "2020-05-28T06:00:00",
      time_steps: 2,
      grid: [37, 72],
    });
  });

  it("reports an undecodable calendar inside the block without failing inspect", async () => {
    const path = join(LOADER_FIXTURES, "cmip6-bad/tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185001.nc");
    const r = await run(["inspect", path, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).cmip6.problems[0]).toMatch(/unknown calendar "mayan_long_count"/);
  });

  it("shows the block in the text header too", async () => {
    const r = await run(["inspect", join(LOADER_FIXTURES, "era5/cds-legacy.packed-int16.nc")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("// era5:");
    expect(r.stdout).toContain('"layout": "cds-netcdf-legacy"');
  });
});
