import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// Fixtures and expected values come from tools/fixtures/zarr.py (zarr-python 2.13, xarray, numcodecs).
const FIXTURES = fileURLToPath(new URL("../../../formats/fixtures/zarr/", import.meta.url));
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8"));
const ERA5 = "v2.era5-like.consolidated.zarr";
const tmp = mkdtempSync(join(tmpdir(), "cli-zarr-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv);

function copyStore(name: string, as: string): string {
  const dir = join(tmp, as);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

describe("fieldbench inspect on Zarr", () => {
  it("--json on an xarray-written group: format zarr, dims from _ARRAY_DIMENSIONS", async () => {
    const r = await run(["inspect", join(FIXTURES, ERA5), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("zarr");
    expect(report.dims).toEqual(EXPECTED[ERA5].__dims__);
    const t2m = report.variables.find((v: { name: string }) => v.name === "t2m");
    expect(t2m.dims).toEqual(["time", "latitude", "longitude"]);
    expect(t2m.attrs._ARRAY_DIMENSIONS).toBeUndefined();
  });

  it("--var t2m --stats --json equals numpy's masked, unpacked statistics", async () => {
    const r = await run(["inspect", join(FIXTURES, ERA5), "--var", "t2m", "--stats", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    const want = EXPECTED[ERA5].t2m.stats;
    expect(stats.count).toBe(want.count);
    expect(stats.missing).toBe(want.missing);
    expect(stats.mean).toBeCloseTo(want.mean, 9);
    expect(stats.min).toBeCloseTo(want.min, 9);
  });

  it("--var time --values --json decodes the noleap time axis", async () => {
    const r = await run(["inspect", join(FIXTURES, ERA5), "--var", "time", "--values", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    // hours since 2020-01-01, values 0..3 (tools/fixtures/zarr.py)
    expect(JSON.parse(r.stdout).values).toEqual([
      "2020-01-01T00:00:00",
      "2020-01-01T01:00:00",
      "2020-01-01T02:00:00",
      "2020-01-01T03:00:00",
    ]);
  });

  it("the human header lists codecs and chunks", async () => {
    const r = await run(["inspect", join(FIXTURES, "v2.shuffle-zlib.f8.zarr")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("chunks [7, 9]; filters shuffle, zlib");
  });

  const badInput: [string, () => string, string[], RegExp][] = [
    ["a missing path", () => join(tmp, "missing.zarr"), [], /no such file/],
    [
      "a .zmetadata entry naming ../../etc/passwd",
      () => {
        const dir = copyStore(ERA5, "escape.zarr");
        const meta = JSON.parse(readFileSync(join(dir, ".zmetadata"), "utf8"));
        meta.metadata["../../etc/passwd/.zarray"] = meta.metadata["t2m/.zarray"];
        writeFileSync(join(dir, ".zmetadata"), JSON.stringify(meta));
        return dir;
      },
      [],
      /refusing store key/,
    ],
    [
      "a header declaring 10^12 elements, read whole",
      () => {
        const dir = copyStore("v2.zlib.f4.zarr", "huge.zarr");
        const zarray = JSON.parse(readFileSync(join(dir, ".zarray"), "utf8"));
        zarray.shape = [1_000_000, 1_000_000];
        writeFileSync(join(dir, ".zarray"), JSON.stringify(zarray));
        return dir;
      },
      // --values reads whole. (--stats streams slab by slab, so a sparse 10^12-element Zarr array, which is
      // valid, would be scanned to the end: that bound belongs to inspect's variableStats, not the reader.)
      ["--var", "huge", "--values"],
      /limit/,
    ],
    [
      "a truncated chunk",
      () => {
        const dir = copyStore("v2.zlib.f4.zarr", "trunc.zarr");
        writeFileSync(join(dir, "0.0"), readFileSync(join(dir, "0.0")).subarray(0, 10));
        return dir;
      },
      ["--var", "trunc", "--stats"],
      /trunc/,
    ],
    [
      "a .zarray that is not JSON",
      () => {
        const dir = copyStore("v2.zlib.f4.zarr", "notjson.zarr");
        writeFileSync(join(dir, ".zarray"), "{ shape: ");
        return dir;
      },
      [],
      /not valid JSON/,
    ],
    ["an unknown codec", () => join(FIXTURES, "v2.bz2.f4.zarr"), ["--var", "v2.bz2.f4", "--stats"], /codec bz2/],
  ];
  it.each(badInput)("%s: exit code 2 and one line on stderr", async (_what, make, extra, message) => {
    const r = await run(["inspect", make(), "--json", ...extra]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
