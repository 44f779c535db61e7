import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFile } from "../open.js";
import type { OpenFile } from "../types.js";
import { cfEncoding, decodeVariable, decodeVariableFloat32 } from "./decode.js";
import { readDecoded, readDecodedFloat32 } from "./read.js";

/**
 * tools/fixtures/cf.py writes every CF case (packing, _FillValue, missing_value, valid_range/min/max including
 * ones the stored type cannot hold, _Unsigned, netCDF default fills, NaN fills) to a NETCDF4 and a NETCDF3 file
 * with netCDF4-python, and records what netCDF4-python's auto mask-and-scale returns for each variable. Here
 * fieldbench's readers read the same files and its one decoding path must return the same values and mask.
 */
interface Expected {
  /** netCDF4-python's values: null where masked; "NaN", "Infinity", "-Infinity" as strings (JSON has none). */
  decoded: (number | string | null)[];
  dtype: string;
  masked: number;
}

const ROOT = join(import.meta.dirname, "../../../..");
const tmp = mkdtempSync(join(tmpdir(), "fieldbench-cf-"));
let expected: Record<string, Record<string, Expected>> = {};

beforeAll(() => {
  const run = spawnSync("/usr/bin/python3", [join(ROOT, "tools/fixtures/cf.py"), tmp], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`tools/fixtures/cf.py failed: ${run.stderr}`);
  expected = JSON.parse(readFileSync(join(tmp, "cf.expected.json"), "utf8"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** netCDF4-python unpacks in float32 when scale_factor/add_offset are float32 (two roundings); we unpack in float64. */
function expectClose(got: number, wanted: number | string | null, dtype: string, where: string): void {
  const want = typeof wanted === "string" ? Number(wanted) : wanted;
  if (want === null || Number.isNaN(want)) {
    expect(Number.isNaN(got), where).toBe(true);
    return;
  }
  if (!Number.isFinite(want)) {
    expect(got, where).toBe(want);
    return;
  }
  const tolerance = dtype === "float32" ? 2 ** -22 * Math.max(1, Math.abs(want)) : 1e-12 * Math.max(1, Math.abs(want));
  expect(Math.abs(got - want), `${where}: ${got} vs ${want}`).toBeLessThanOrEqual(tolerance);
}

describe.each(["cf.netcdf4.nc", "cf.netcdf3.nc"])("%s decoded as netCDF4-python decodes it", (fileName) => {
  let file: OpenFile;
  beforeAll(async () => {
    file = await openFile(join(tmp, fileName));
  });
  afterAll(async () => file?.close());

  it("has every case the script wrote", () => {
    const names = Object.keys(expected[fileName] ?? {});
    expect(names.length).toBeGreaterThan(20);
    expect(file.variables.map((v) => v.name).sort()).toEqual([...names].sort());
  });

  it("float64 and float32 paths give netCDF4-python's values and mask for every variable", async () => {
    for (const [name, want] of Object.entries(expected[fileName] ?? {})) {
      const wide = await readDecoded(file, name);
      const narrow = await readDecodedFloat32(file, name);
      const nanCount = want.decoded.filter((v) => v === "NaN").length;
      expect(wide.missing, `${name} missing`).toBe(want.masked + nanCount);
      expect(narrow.missing, `${name} missing (float32)`).toBe(want.masked + nanCount);
      want.decoded.forEach((v, i) => {
        expectClose(wide.values[i] as number, v, want.dtype, `${fileName} ${name}[${i}]`);
        const v32 = v === null ? v : Math.fround(Number(v));
        expectClose(narrow.values[i] as number, v32, "float32", `${fileName} ${name}[${i}] float32`);
      });
    }
  });
});

describe("decoding worked by hand", () => {
  it("masks stored values before unpacking", () => {
    // stored [10, -1, 20] with _FillValue -1, scale 0.5, offset 1 -> [10*0.5+1, NaN, 20*0.5+1] = [6, NaN, 11]
    const { values, missing } = decodeVariable(Int16Array.from([10, -1, 20]), {
      _FillValue: -1,
      scale_factor: 0.5,
      add_offset: 1,
    });
    expect(Array.from(values)).toEqual([6, Number.NaN, 11]);
    expect(missing).toBe(1);
  });

  it("reads _Unsigned bytes as the issue's example: int8 [-1, 5, -56] -> [255, 5, 200]", () => {
    const { values } = decodeVariableFloat32(Int8Array.from([-1, 5, -56]), { _Unsigned: "true" });
    expect(Array.from(values)).toEqual([255, 5, 200]);
  });

  it("ignores a valid_max an int16 variable cannot hold, keeping 101 (netCDF4-python's _check_safecast)", () => {
    const { values, missing } = decodeVariable(Int16Array.from([100, 101]), { valid_max: 100.5 });
    expect([Array.from(values), missing]).toEqual([[100, 101], 0]);
  });

  it("masks netCDF's default fill only when asked (netCDF files), never with a usable _FillValue", () => {
    const raw = Int16Array.from([-32767, 3]);
    expect(decodeVariable(raw, {}).missing).toBe(0);
    expect(decodeVariable(raw, {}, "x", { netcdfDefaultFill: true }).missing).toBe(1);
    expect(decodeVariable(raw, { _FillValue: 3 }, "x", { netcdfDefaultFill: true }).missing).toBe(1);
  });

  it("decodes int64 values through Number and compares int64 fills exactly", () => {
    const { values } = decodeVariable(BigInt64Array.from([3n, -7n]), { scale_factor: 2 });
    expect(Array.from(values)).toEqual([6, -14]);
    // -2^63 + 2 is netCDF's NC_FILL_INT64; -2^63 + 1 rounds to the same double but is a value.
    const fills = decodeVariable(BigInt64Array.from([-(2n ** 63n) + 2n, -(2n ** 63n) + 1n]), {}, "x", {
      netcdfDefaultFill: true,
    });
    expect(fills.missing).toBe(1);
  });

  it("refuses a non-finite scale_factor as INVALID_VALUE", () => {
    let caught: unknown;
    try {
      cfEncoding({ scale_factor: Number.POSITIVE_INFINITY }, "int16", "t2m");
    } catch (err) {
      caught = err;
    }
    expect(isFieldbenchError(caught, "INVALID_VALUE")).toBe(true);
  });
});
