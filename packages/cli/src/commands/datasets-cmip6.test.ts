import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// Fixtures: tools/fixtures/cmip6.py (netCDF4-python + cftime): a noleap monthly series missing May 1850.
const LOADER_FIXTURES = fileURLToPath(new URL("../../../loaders/fixtures/", import.meta.url));
const TAS_DIR = join(LOADER_FIXTURES, "cmip6/CMIP6/CMIP/NCAR/CESM2/historical/r1i1p1f1/Amon/tas/gn/v20190308");
const TAS = readdirSync(TAS_DIR).map((n) => join(TAS_DIR, n));
const tmp = mkdtempSync(join(tmpdir(), "cli-cmip6-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv);

describe("fieldbench datasets cmip6", () => {
  it("joins three files and reports the missing month with its dates", async () => {
    const r = await run(["datasets", "cmip6", ...TAS, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.steps).toBe(11);
    expect(report.identity).toMatchObject({
      source_id: "CESM2",
      experiment_id: "historical",
      calendar: "noleap",
      time_start: "1850-01-16T12:00:00",
      time_end: "1850-12-16T12:00:00",
    });
    expect(report.issues).toHaveLength(1);
    expect(report.issues[0]).toMatchObject({
      kind: "gap",
      after: "1850-04-16T00:00:00",
      before: "1850-06-16T00:00:00",
      missing: ["1850-05"],
    });
    const text = await run(["datasets", "cmip6", ...TAS]);
    expect(text.stdout).toContain("gap: 1 missing step (1850-05) between 1850-04-16T00:00:00");
  });

  it("exits 2 with --require-continuous on a gap", async () => {
    const r = await run(["datasets", "cmip6", ...TAS, "--require-continuous"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^fieldbench: .*tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185004\.nc: the time axis is not continuous: gap: 1 missing step \(1850-05\)/,
    );
  });

  it("exits 2 on a DRS name with a missing field, naming the file", async () => {
    const bad = join(tmp, "tas_Amon_CESM2_historical_gn_185001-185004.nc");
    copyFileSync(TAS[0] as string, bad);
    const r = await run(["datasets", "cmip6", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `fieldbench: ${bad}: not a CMIP6 DRS file name: the 5th field (member_id) "gn" has no variant label r<k>i<l>p<m>f<n>; is a field missing?\n`,
    );
  });

  it("exits 2 on a file whose calendar attribute is unknown", async () => {
    const path = join(LOADER_FIXTURES, "cmip6-bad/tas_Amon_CESM2_historical_r1i1p1f1_gn_185001-185001.nc");
    const r = await run(["datasets", "cmip6", path]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).toMatch(new RegExp(`^fieldbench: ${path}: time: unknown calendar "mayan_long_count"`));
  });
});
