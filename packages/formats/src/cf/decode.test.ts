import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AttrValue, type Attrs, type NumericArray, type NumericDType, allocateArray } from "@fieldbench/core";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { cfEncoding, decodeVariable } from "./decode.js";

/**
 * Each case is a variable netCDF4-python writes to a NETCDF4 file and reads back twice: raw
 * (set_auto_maskandscale(False)) and with its default auto mask-and-scale. decodeVariable on the raw values
 * and the attributes must give the same values and the same mask. The data avoid the netCDF default fill
 * values (-32767, ...), which netCDF4-python also masks when a variable has no _FillValue: that rule belongs
 * to netCDF files, not to the format-neutral CF layer.
 */
const SCRIPT = `
import json, sys
import numpy as np, netCDF4

def attr(value):
    arr = np.atleast_1d(np.asarray(value))
    items = [v.item() for v in arr]
    return items[0] if len(items) == 1 else items

cases = [
    # name, dtype, data, attrs (name -> (dtype, value))
    ("packed_short", "i2", [-3000, -1, 0, 1, 2999, -999, 17],
        {"scale_factor": ("f8", 0.01), "add_offset": ("f8", 273.15), "_FillValue": ("i2", -999)}),
    ("missing_pair", "i2", [5, -1, 6, -2, 7, 100],
        {"missing_value": ("i2", [-1, -2]), "scale_factor": ("f8", 2.0)}),
    ("float_range", "f4", [-60.0, -50.0, 0.5, 50.0, 50.5, 1e20, 3.25],
        {"_FillValue": ("f4", 1e20), "valid_range": ("f4", [-50.0, 50.0])}),
    ("byte_min_scale32", "i1", [-100, -5, -4, 0, 7, 127],
        {"valid_min": ("i1", -4), "scale_factor": ("f4", 0.1)}),
    ("ubyte_packed", "u1", [0, 1, 128, 254, 255],
        {"_FillValue": ("u1", 255), "scale_factor": ("f8", 0.5), "add_offset": ("f8", -10.0)}),
    ("int_max_offset", "i4", [-5, 0, 1000, 1001, 70000],
        {"valid_max": ("i4", 1000), "add_offset": ("f8", 0.5)}),
    ("short_range_fill", "i2", [-101, -100, 0, 100, 101, 32000],
        {"valid_range": ("i2", [-100, 100]), "_FillValue": ("i2", 32000), "scale_factor": ("f8", 0.25)}),
    ("double_missing", "f8", [1.5, -9999.0, 2.5, -8888.0],
        {"missing_value": ("f8", -9999.0), "_FillValue": ("f8", -8888.0)}),
    # Attributes the stored type cannot hold exactly: netCDF4-python ignores them (its _check_safecast).
    ("float_double_attrs", "f4", [0.1, 0.2, 1e20, -0.3, 0.05],
        {"missing_value": ("f8", 1e20), "valid_max": ("f8", 0.1), "valid_min": ("f8", -0.3)}),
    ("short_unsafe_attrs", "i2", [1, 100, 101, 200, -5],
        {"valid_max": ("f8", 100.5), "missing_value": ("i4", 200), "valid_min": ("i4", -40000)}),
    ("float_exact_double_attrs", "f4", [0.5, -1.0, 2.5, 1e9],
        {"missing_value": ("f8", -1.0), "valid_max": ("f8", 2.0)}),
    # _Unsigned = "true": signed storage of unsigned values (NetCDF3 has no unsigned types); attributes wrap too.
    ("unsigned_byte", "i1", [0, 1, 127, -128, -2, -1],
        {"_Unsigned": ("text", "true"), "_FillValue": ("i1", -1), "valid_max": ("i1", -3), "scale_factor": ("f8", 0.5)}),
    ("unsigned_short", "i2", [0, 1, 32767, -32768, -2, -3],
        {"_Unsigned": ("text", "true"), "missing_value": ("i2", -2)}),
]

out = []
path = sys.argv[1]
with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
    for name, dtype, data, attrs in cases:
        ds.createDimension(name, len(data))
        fill = attrs.get("_FillValue")
        var = ds.createVariable(name, dtype, (name,), fill_value=np.array(fill[1], fill[0]) if fill else False)
        for key, (adtype, value) in attrs.items():
            if key != "_FillValue":
                var.setncattr(key, value if adtype == "text" else np.array(value, adtype))
        var.set_auto_maskandscale(False)
        var[:] = np.array(data, dtype)
with netCDF4.Dataset(path) as ds:
    for name, dtype, data, attrs in cases:
        var = ds.variables[name]
        decoded = var[:]
        mask = np.ma.getmaskarray(decoded)
        var.set_auto_maskandscale(False)
        out.append({
            "name": name,
            "dtype": dtype,
            "raw": [v.item() for v in var[:]],
            "attrs": {k: attr(var.getncattr(k)) for k in var.ncattrs()},
            "decoded": [None if m else float(v) for v, m in zip(np.ma.getdata(decoded), mask)],
            "decodedDtype": str(np.ma.getdata(decoded).dtype),
        })
json.dump(out, sys.stdout)
`;

const DTYPES: Record<string, NumericDType> = {
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  i4: "int32",
  f4: "float32",
  f8: "float64",
};

interface Case {
  name: string;
  dtype: string;
  raw: number[];
  attrs: Record<string, AttrValue>;
  decoded: (number | null)[];
  decodedDtype: string;
}

const tmp = mkdtempSync(join(tmpdir(), "fieldbench-cf-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function netcdf4PythonCases(): Case[] {
  const run = spawnSync("/usr/bin/python3", ["-c", SCRIPT, join(tmp, "cf.nc")], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe("decodeVariable against netCDF4-python's auto mask-and-scale", () => {
  const cases = netcdf4PythonCases();

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const raw = allocateArray(DTYPES[c.dtype] as NumericDType, c.raw.length);
    (raw as Exclude<NumericArray, BigInt64Array | BigUint64Array>).set(c.raw);
    const { values, missing } = decodeVariable(raw, c.attrs as Attrs, c.name);
    expect(Array.from(values, (v) => (Number.isNaN(v) ? null : v)).map((v) => v === null)).toEqual(
      c.decoded.map((v) => v === null),
    );
    expect(missing).toBe(c.decoded.filter((v) => v === null).length);
    // netCDF4-python computes in float32 when scale_factor is float32; we always compute in float64.
    const digits = c.decodedDtype === "float32" ? 5 : 12;
    c.decoded.forEach((want, i) => {
      if (want !== null) expect(values[i], `${c.name}[${i}]`).toBeCloseTo(want, digits);
    });
  });

  it("refuses a non-finite scale_factor as INVALID_VALUE", () => {
    let caught: unknown;
    try {
      cfEncoding({ scale_factor: Number.POSITIVE_INFINITY }, "t2m");
    } catch (err) {
      caught = err;
    }
    expect(isFieldbenchError(caught, "INVALID_VALUE")).toBe(true);
  });
});

describe("decodeVariable worked by hand", () => {
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

  it("decodes int64 values through Number", () => {
    const { values } = decodeVariable(BigInt64Array.from([3n, -7n]), { scale_factor: 2 });
    expect(Array.from(values)).toEqual([6, -14]);
  });
});
