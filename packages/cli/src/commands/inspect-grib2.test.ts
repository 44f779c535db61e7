import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// Fixtures from tools/fixtures/grib2.py (eccodes); the expected numbers are eccodes' own statistics.
const FIXTURES = fileURLToPath(new URL("../../../formats/fixtures/", import.meta.url));

const run = (argv: string[]) => runMain(argv);

function eccodesStats(path: string): { count: number; missing: number; min: number; max: number; mean: number } {
  const script = `
import sys, json, eccodes as ec
with open(sys.argv[1], "rb") as f:
    h = ec.codes_grib_new_from_file(f)
    print(json.dumps({"count": ec.codes_get(h, "numberOfCodedValues"), "missing": ec.codes_get(h, "numberOfMissing"),
      "min": ec.codes_get(h, "min"), "max": ec.codes_get(h, "max"), "mean": ec.codes_get(h, "average")}))
`;
  const r = spawnSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

describe("fieldbench inspect on GRIB2", () => {
  it("names variables as cfgrib does, the same names as the era5 block, with the grib2 block", async () => {
    const r = await run(["inspect", `${FIXTURES}era5-sfc.ccsds.grib2`, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("grib2");
    expect(report.dims).toEqual({ latitude: 37, longitude: 72 });
    // eccodes shortNames 2t, 10u, 10v, tcwv, msl; cfVarNames (xarray's names through cfgrib) t2m, u10, v10, tcwv, msl
    expect(report.variables.map((v: { name: string }) => v.name)).toEqual(["t2m", "u10", "v10", "tcwv", "msl"]);
    expect(report.grib2.messages[3]).toMatchObject({
      shortName: "tcwv",
      typeOfLevel: "entireAtmosphere",
      level: 0,
      dataDate: 20200101,
      dataTime: 1200,
      stepRange: "0",
      packingType: "grid_ccsds",
      grid: {
        gridType: "regular_ll",
        Ni: 72,
        Nj: 37,
        latitudeOfFirstGridPointInDegrees: 90,
        iDirectionIncrementInDegrees: 5,
      },
    });
    expect(report.era5.variables).toEqual(report.variables.map((v: { name: string }) => v.name));
    // `#N` stays an alias of the N-th message
    const byIndex = JSON.parse(
      (await run(["inspect", `${FIXTURES}era5-sfc.ccsds.grib2`, "--var", "#3", "--json"])).stdout,
    );
    expect(byIndex.name).toBe("tcwv");
  });

  it("--stats of a bitmapped CCSDS field agree with eccodes", async () => {
    const path = `${FIXTURES}sst.bitmap.ccsds.grib2`;
    const r = await run(["inspect", path, "--var", "#0", "--stats", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    const ref = eccodesStats(path);
    expect([stats.count, stats.missing]).toEqual([ref.count, ref.missing]);
    expect(stats.min).toBeCloseTo(ref.min, 9);
    expect(stats.max).toBeCloseTo(ref.max, 9);
    expect(stats.mean).toBeCloseTo(ref.mean, 9);
  });

  it("names the template it cannot decode (exit 2)", async () => {
    const path = `${FIXTURES}t2m.jpeg.grib2`;
    const r = await run(["inspect", path, "--var", "#0", "--stats"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `fieldbench: ${path}: message 0 uses data representation template 5.40 (grid_jpeg), which fieldbench does not decode\n`,
    );
  });
});
