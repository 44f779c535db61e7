import { describe, expect, it } from "vitest";
import { type RawDataset, type RawType, buildModel, dtypeOf, toAttrValue } from "./hdf5-model.js";

const f4: RawType = { class: 1, size: 4, signed: false, vlen: false, littleEndian: true, enumBase: null };

function dataset(path: string, shape: number[], extra: Partial<RawDataset> = {}): RawDataset {
  return { path, type: f4, shape, maxshape: null, chunks: null, filters: [], attrs: [], scales: [], ...extra };
}

describe("hdf5 model", () => {
  it("maps HDF5 type classes to dtypes (hand-worked from the HDF5 type table)", () => {
    const t = (cls: number, size: number, signed = false, vlen = false): RawType => ({
      class: cls,
      size,
      signed,
      vlen,
      littleEndian: true,
      enumBase: null,
    });
    expect(dtypeOf(t(0, 1, true))).toBe("int8");
    expect(dtypeOf(t(0, 8, false))).toBe("uint64");
    expect(dtypeOf(t(1, 8))).toBe("float64");
    expect(dtypeOf(t(1, 2))).toBeUndefined(); // float16: not exposed
    expect(dtypeOf(t(3, 1))).toBe("char"); // NC_CHAR
    expect(dtypeOf(t(3, 7))).toBe("string");
    expect(dtypeOf(t(3, 4, false, true))).toBe("string");
    expect(dtypeOf({ ...t(8, 1), enumBase: { class: 0, size: 1, signed: true } })).toBe("int8"); // h5py bool
    expect(dtypeOf(t(6, 12))).toBeUndefined(); // compound
  });

  it("reads attributes the way ncdump prints them", () => {
    expect(toAttrValue(new Float32Array([0.5]))).toBe(0.5); // netCDF stores scalars as 1-element arrays
    expect(toAttrValue(new Int16Array([1, 2]))).toEqual([1, 2]);
    expect(toAttrValue(new BigInt64Array([42n]))).toBe(42);
    expect(toAttrValue(new BigInt64Array([2n ** 62n]))).toBe(2n ** 62n);
    expect(toAttrValue("abc\0\0")).toBe("abc"); // fixed-length NUL padding
    expect(toAttrValue(["only"])).toBe("only");
    expect(toAttrValue([{}])).toBeNull();
  });

  // ncdump -h of an h5py file with these three datasets prints exactly these dims (checked with netcdf-bin 4.9).
  it("gives unscaled axes netCDF-C phony dims: shared by equal lengths, distinct within one variable", () => {
    const model = buildModel({
      groups: [{ path: "/", attrs: [] }],
      datasets: [dataset("/a", [4, 4]), dataset("/b", [4]), dataset("/c", [3, 4])],
      skipped: [],
    });
    expect(model.format).toBe("hdf5");
    expect(model.variables.map((v) => v.dims)).toEqual([
      ["phony_dim_0", "phony_dim_1"],
      ["phony_dim_0"],
      ["phony_dim_2", "phony_dim_0"],
    ]);
    expect(model.dims).toEqual({ phony_dim_0: 4, phony_dim_1: 4, phony_dim_2: 3 });
  });

  it("hides netCDF-C placeholder scales and uses the longest axis for an unlimited dim", () => {
    const scaleAttrs = (name: string) => [
      { name: "CLASS", value: "DIMENSION_SCALE" },
      { name: "NAME", value: name },
    ];
    const model = buildModel({
      groups: [{ path: "/", attrs: [{ name: "_NCProperties", value: "version=2" }] }],
      datasets: [
        dataset("/time", [0], {
          attrs: scaleAttrs("This is a netCDF dimension but not a netCDF variable.         0"),
        }),
        dataset("/v", [5], { scales: [["/time"]], attrs: [{ name: "DIMENSION_LIST", value: null }] }),
      ],
      skipped: [],
    });
    expect(model.format).toBe("netcdf4");
    expect(model.variables.map((v) => [v.name, v.dims, v.attrs])).toEqual([["v", ["time"], {}]]);
    expect(model.dims).toEqual({ time: 5 });
    expect(model.attrs).toEqual({});
  });
});
