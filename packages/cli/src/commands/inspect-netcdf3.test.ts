import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// Fixtures and their expected values come from tools/fixtures/netcdf3.py (netCDF4-python + cftime).
const FIXTURES = fileURLToPath(new URL("../../../formats/fixtures/", import.meta.url));
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "netcdf3.expected.json"), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "cli-nc3-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv);

describe("fieldbench inspect on NetCDF3", () => {
  it.each(["netcdf3.classic.nc", "netcdf3.64bit-offset.nc", "netcdf3.cdf5.nc"])("%s --json", async (name) => {
    const r = await run(["inspect", join(FIXTURES, name), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("netcdf3");
    expect(report.dims).toEqual(EXPECTED[name].dims);
    expect(report.variables.find((v: { name: string }) => v.name === "t2m").dims).toEqual(["time", "lat", "lon"]);
  });

  it("--var t2m --stats --json equals netCDF4-python's masked, unpacked statistics", async () => {
    const r = await run(["inspect", join(FIXTURES, "netcdf3.cdf5.nc"), "--var", "t2m", "--stats", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    const want = EXPECTED["netcdf3.cdf5.nc"].variables.t2m.decoded;
    expect(stats.count).toBe(want.count);
    expect(stats.missing).toBe(want.missing);
    expect(stats.min).toBeCloseTo(want.min, 9);
    expect(stats.max).toBeCloseTo(want.max, 9);
    expect(stats.mean).toBeCloseTo(want.mean, 9);
  });

  it("--var time_noleap --values --json prints ISO dates in the noleap calendar", async () => {
    const r = await run([
      "inspect",
      join(FIXTURES, "netcdf3.classic.nc"),
      "--var",
      "time_noleap",
      "--values",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const values = JSON.parse(r.stdout);
    expect(values.values).toEqual(EXPECTED["netcdf3.classic.nc"].variables.time_noleap.iso);
    expect(values.values[3]).toBe("2000-03-01T00:00:00");
  });
});

describe("fieldbench inspect on bad NetCDF3 input", () => {
  const classic = readFileSync(join(FIXTURES, "netcdf3.classic.nc"));
  const randomAfterMagic = Uint8Array.from({ length: 2048 }, (_, i) => (i * 2654435761) >>> 24);
  randomAfterMagic.set([0x43, 0x44, 0x46, 0x02]);
  const cases: [string, Uint8Array][] = [
    ["truncated-header.nc", classic.subarray(0, 300)],
    ["truncated-data.nc", classic.subarray(0, classic.length - 64)],
    ["random-after-magic.nc", randomAfterMagic],
    ["huge-declared.nc", readFileSync(join(FIXTURES, "netcdf3.huge-declared.nc"))],
  ];

  it.each(cases)("%s: exit 2, one line on stderr, nothing on stdout", async (name, bytes) => {
    const path = join(tmp, name);
    writeFileSync(path, bytes);
    const r = await run(["inspect", path, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.endsWith("\n")).toBe(true);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(path);
    if (name.startsWith("huge")) expect(r.stderr).toMatch(/1\.000e\+12 elements/);
  });
});
