import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isFieldbenchError } from "@fieldbench/core";
import { NetCDFReader } from "netcdfjs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { describeFile, variableStats, variableValues } from "./inspect.js";
import { openFile } from "./open.js";
import type { OpenFile } from "./types.js";

// Fixtures and netcdf3.expected.json are written by tools/fixtures/netcdf3.py: netCDF4-python (and ncgen
// for one file) wrote the files, and netCDF4-python + cftime read back every value in the JSON.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
const fixture = (name: string) => join(FIXTURES, name);

interface ExpectedVar {
  dtype: string;
  dims: string[];
  shape: number[];
  attrs: Record<string, unknown>;
  raw: (number | string)[];
  iso?: string[];
  decoded?: { count: number; missing: number; min: number; max: number; mean: number; sum: number };
}
interface ExpectedFile {
  dims: Record<string, number>;
  attrs: Record<string, unknown>;
  variables: Record<string, ExpectedVar>;
}
const EXPECTED: Record<string, ExpectedFile> = JSON.parse(readFileSync(fixture("netcdf3.expected.json"), "utf8"));
const FILES = Object.keys(EXPECTED);

const NUMPY_DTYPES: Record<string, string> = {
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  f4: "float32",
  f8: "float64",
  S1: "char",
};

/** Our attribute values in the JSON's spelling: 64-bit integers as decimal strings. */
function asExpected(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(asExpected);
  return value;
}

function attrsAsExpected(attrs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attrs).map(([key, value]) => [key, asExpected(value)]));
}

function rawAsExpected(data: ArrayLike<unknown> | readonly string[]): unknown[] {
  return Array.from(data as ArrayLike<unknown>, (v) => (typeof v === "bigint" ? v.toString() : v));
}

const tmp = mkdtempSync(join(tmpdir(), "fieldbench-nc3-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function withFile<T>(path: string, body: (file: OpenFile) => Promise<T>): Promise<T> {
  const file = await openFile(path);
  try {
    return await body(file);
  } finally {
    await file.close();
  }
}

describe.each(FILES)("%s against netCDF4-python", (name) => {
  const expected = EXPECTED[name] as ExpectedFile;

  it("has the dims, attributes, variables and raw values netCDF4-python reads", async () => {
    await withFile(fixture(name), async (file) => {
      expect(file.format).toBe("netcdf3");
      expect(file.dims).toEqual(expected.dims);
      expect(attrsAsExpected(file.attrs)).toEqual(expected.attrs);
      expect(file.variables.map((v) => v.name).sort()).toEqual(Object.keys(expected.variables).sort());
      for (const info of file.variables) {
        const want = expected.variables[info.name] as ExpectedVar;
        expect(info.dtype, info.name).toBe(NUMPY_DTYPES[want.dtype]);
        expect(info.dims, info.name).toEqual(want.dims);
        expect(info.shape, info.name).toEqual(want.shape);
        expect(attrsAsExpected(info.attrs), info.name).toEqual(want.attrs);
        const raw = await file.read(info.name);
        expect(rawAsExpected(raw.data), info.name).toEqual(want.raw);
      }
    });
  });

  it("decodes packed variables to the statistics of netCDF4-python's masked, unpacked arrays", async () => {
    await withFile(fixture(name), async (file) => {
      for (const [varName, want] of Object.entries(expected.variables)) {
        if (want.decoded === undefined) continue;
        const stats = await variableStats(file, varName);
        expect(stats.count, varName).toBe(want.decoded.count);
        expect(stats.missing, varName).toBe(want.decoded.missing);
        expect(stats.min, varName).toBeCloseTo(want.decoded.min, 9);
        expect(stats.max, varName).toBeCloseTo(want.decoded.max, 9);
        expect(stats.mean as number, varName).toBeCloseTo(want.decoded.mean, 9);
        expect(stats.sum, varName).toBeCloseTo(want.decoded.sum, 6);
      }
    });
  });

  it("decodes time axes to cftime.num2date(...).isoformat() in their own calendar", async () => {
    await withFile(fixture(name), async (file) => {
      for (const [varName, want] of Object.entries(expected.variables)) {
        if (want.iso === undefined) continue;
        const values = await variableValues(file, varName);
        expect(values.values, varName).toEqual(want.iso);
      }
    });
  });

  it("describes the header as ncdump -h does", async () => {
    const ncdump = spawnSync("ncdump", ["-h", fixture(name)], { encoding: "utf8" });
    expect(ncdump.status).toBe(0);
    const header = parseNcdumpHeader(ncdump.stdout);
    await withFile(fixture(name), async (file) => {
      const report = describeFile(file);
      expect(report.dims).toEqual(header.dims);
      expect(report.variables.map((v) => [v.name, NCDUMP_TYPES[v.dtype], v.dims])).toEqual(header.variables);
      const attrs = report.variables.flatMap((v) =>
        Object.entries(v.attrs).map(([key, value]) => [v.name, key, ncdumpValue(value)]),
      );
      attrs.push(...Object.entries(report.attrs).map(([key, value]) => ["", key, ncdumpValue(value)]));
      expect(attrs.sort()).toEqual(header.attrs.sort());
    });
  });
});

describe("the special cases of record variables", () => {
  it("reads a hyperslab of a record variable without the other records", async () => {
    const want = EXPECTED["netcdf3.classic.nc"]?.variables.t2m as ExpectedVar;
    await withFile(fixture("netcdf3.classic.nc"), async (file) => {
      const slab = await file.read("t2m", [[1, 3], [2, 4], 5]);
      expect(slab.shape).toEqual([2, 2, 1]);
      // t2m is [4, 5, 6] row-major: element (r, y, x) sits at r*30 + y*6 + x of netCDF4-python's raw list.
      const picked = [];
      for (let r = 1; r < 3; r++) for (let y = 2; y < 4; y++) picked.push(want.raw[r * 30 + y * 6 + 5]);
      expect(Array.from(slab.data as Int16Array)).toEqual(picked);
      const lastRecord = await file.read("t2m", [-1]);
      expect(Array.from(lastRecord.data as Int16Array)).toEqual(want.raw.slice(90, 120));
    });
  });

  it("reads only the bytes of the selection", async () => {
    const want = EXPECTED["netcdf3.classic.nc"]?.variables.t2m as ExpectedVar;
    await withFile(fixture("netcdf3.classic.nc"), async (file) => {
      const handle = await open(fixture("netcdf3.classic.nc"), "r");
      const proto = Object.getPrototypeOf(handle) as { read: (...args: unknown[]) => Promise<unknown> };
      await handle.close();
      const spy = vi.spyOn(proto, "read");
      try {
        const record = await file.read("t2m", [2]);
        // One record of t2m is 5 x 6 int16 = 60 bytes, read in one call straight into the result.
        expect(spy.mock.calls.map((call) => call[2])).toEqual([60]);
        expect(Array.from(record.data as Int16Array)).toEqual(want.raw.slice(60, 90));
      } finally {
        spy.mockRestore();
      }
    });
  });

  it("counts the records of a streaming file (numrecs = 0xFFFFFFFF) from its size", async () => {
    const bytes = Uint8Array.from(readFileSync(fixture("netcdf3.classic.nc")));
    bytes.set([0xff, 0xff, 0xff, 0xff], 4);
    const path = join(tmp, "streaming.nc");
    writeFileSync(path, bytes);
    const want = EXPECTED["netcdf3.classic.nc"]?.variables.t2m as ExpectedVar;
    await withFile(path, async (file) => {
      expect(file.dims.time).toBe(4);
      expect(Array.from((await file.read("t2m")).data as Int16Array)).toEqual(want.raw);
    });
  });

  it("reads a lone record variable, stored without record padding", async () => {
    await withFile(fixture("netcdf3.single-record-var.nc"), async (file) => {
      // netCDF4-python wrote arange(15) - 7 as 5 records of 3 int16 (6 bytes each, no padding to 8).
      const all = await file.read("counts");
      expect(Array.from(all.data as Int16Array)).toEqual(Array.from({ length: 15 }, (_, i) => i - 7));
      const column = await file.read("counts", [[1, 4], 2]);
      expect(Array.from(column.data as Int16Array)).toEqual([-2, 1, 4]);
    });
  });

  it("reads char variables as strings along their last axis", async () => {
    await withFile(fixture("netcdf3.classic.nc"), async (file) => {
      const names = await file.read("station_name", [[1, 3]]);
      expect(names.shape).toEqual([2]);
      expect(names.data).toEqual(["Tromso", "Bergen12"]);
    });
  });
});

describe("64-bit offsets", () => {
  /**
   * A header worked by hand after the spec: dims n = 6 and one double `after(n)` beginning at byte 5e9, past
   * 4 GiB, which only CDF2 (8-byte begin) and CDF5 (8-byte counts too) can express. The file is sparse:
   * only the header and the six values are written.
   */
  function farHeader(version: 2 | 5, begin: number): Uint8Array {
    const out: number[] = [0x43, 0x44, 0x46, version];
    const u32 = (v: number) => out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    const u64 = (v: number) => {
      u32(Math.floor(v / 2 ** 32));
      u32(v % 2 ** 32);
    };
    const nonNeg = version === 5 ? u64 : u32;
    const name = (text: string) => {
      nonNeg(text.length);
      for (const ch of text) out.push(ch.charCodeAt(0));
      while (out.length % 4 !== 0) out.push(0);
    };
    nonNeg(0); // numrecs
    u32(0x0a); // NC_DIMENSION
    nonNeg(1);
    name("n");
    nonNeg(6);
    u32(0); // no global attributes
    nonNeg(0);
    u32(0x0b); // NC_VARIABLE
    nonNeg(1);
    name("after");
    nonNeg(1); // rank
    nonNeg(0); // dim id of n
    u32(0); // no attributes
    nonNeg(0);
    u32(6); // NC_DOUBLE
    nonNeg(48); // vsize
    u64(begin);
    return Uint8Array.from(out);
  }

  it.each([2, 5] as const)("reads a variable beginning past 4 GiB in CDF%i, as ncdump does", async (version) => {
    const begin = 5_000_000_000;
    const path = join(tmp, `far-${version}.nc`);
    writeFileSync(path, farHeader(version, begin));
    const handle = await open(path, "r+");
    const values = Buffer.alloc(48);
    [0, 1.5, 3, 4.5, 6, 7.5].forEach((v, i) => {
      values.writeDoubleBE(v, i * 8);
    });
    await handle.write(values, 0, 48, begin);
    await handle.close();
    const ncdump = spawnSync("ncdump", ["-v", "after", path], { encoding: "utf8" });
    expect(ncdump.stdout).toContain("after = 0, 1.5, 3, 4.5, 6, 7.5 ;");
    await withFile(path, async (file) => {
      expect(file.variables[0]?.dtype).toBe("float64");
      expect(Array.from((await file.read("after")).data as Float64Array)).toEqual([0, 1.5, 3, 4.5, 6, 7.5]);
      expect(Array.from((await file.read("after", [[4, 6]])).data as Float64Array)).toEqual([6, 7.5]);
    });
    rmSync(path);
  });
});

describe.each(["netcdf3.classic.nc", "netcdf3.64bit-offset.nc", "netcdf3.ncgen-classic.nc"])(
  "%s against netcdfjs",
  (name) => {
    it("gives every numeric variable the values netcdfjs's getDataVariable gives", async () => {
      const reference = new NetCDFReader(readFileSync(fixture(name)));
      await withFile(fixture(name), async (file) => {
        for (const info of file.variables) {
          // netcdfjs 4.0.0 reads NC_BYTE as unsigned, and counts vsize / element size values, so a variable whose
          // bytes are not a multiple of 4 gains its padding as extra values (v_short: 5 values + 1); in record
          // variables that padding lands between records, so byte record variables are checked against python only.
          if (info.dtype === "char" || (info.dtype === "int8" && info.dims[0] === "time")) continue;
          const flat = reference.getDataVariable(info.name).flat(Number.POSITIVE_INFINITY) as number[];
          const theirs = info.dtype === "int8" ? flat.map((v) => (v << 24) >> 24) : flat;
          const ours = Array.from((await file.read(info.name)).data as ArrayLike<number>);
          expect(theirs.length - ours.length, info.name).toBeLessThan(4);
          expect(ours, info.name).toEqual(theirs.slice(0, ours.length));
        }
      });
    });
  },
);

describe("bad input", () => {
  const classic = readFileSync(fixture("netcdf3.classic.nc"));

  async function openError(bytes: Uint8Array, label: string) {
    const path = join(tmp, label);
    writeFileSync(path, bytes);
    try {
      const file = await openFile(path);
      for (const v of file.variables) await file.read(v.name);
      await file.close();
    } catch (err) {
      return err;
    }
    return undefined;
  }

  it("reports a header cut short as CORRUPT_FILE naming the file", async () => {
    for (const length of [4, 7, 20, 100, 400]) {
      const err = await openError(classic.subarray(0, length), `cut-${length}.nc`);
      expect(isFieldbenchError(err, "CORRUPT_FILE"), String(err)).toBe(true);
      expect((err as Error).message).toContain(`cut-${length}.nc`);
    }
  });

  it("reports data cut short as CORRUPT_FILE", async () => {
    const err = await openError(classic.subarray(0, classic.length - 100), "cut-data.nc");
    expect(isFieldbenchError(err, "CORRUPT_FILE")).toBe(true);
    expect((err as Error).message).toMatch(/beyond the end|file ends/);
  });

  it("reports random bytes after a valid magic as CORRUPT_FILE", async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const version of [1, 2, 5]) {
      const bytes = new Uint8Array(4096).map(random);
      bytes.set([0x43, 0x44, 0x46, version]);
      const err = await openError(bytes, `random-${version}.nc`);
      expect(isFieldbenchError(err, "CORRUPT_FILE"), String(err)).toBe(true);
    }
  });

  it("refuses a header declaring a 10^12-element variable as TOO_LARGE without allocating it", async () => {
    // tools/fixtures/netcdf3.py wrote this header by hand: float v(x, y) with x = y = 10^6, and no data.
    const err = await openError(readFileSync(fixture("netcdf3.huge-declared.nc")), "huge.nc");
    expect(isFieldbenchError(err, "TOO_LARGE"), String(err)).toBe(true);
    expect((err as Error).message).toContain("huge.nc");
    expect((err as Error).message).toContain("1.000e+12 elements");
  });
});

const NCDUMP_TYPES: Record<string, string> = {
  int8: "byte",
  uint8: "ubyte",
  int16: "short",
  uint16: "ushort",
  int32: "int",
  uint32: "uint",
  int64: "int64",
  uint64: "uint64",
  float32: "float",
  float64: "double",
  char: "char",
};

/** ncdump -h, parsed: dims with current lengths, (name, type, dims) per variable, (var, key, values) per attribute. */
function parseNcdumpHeader(text: string) {
  const dims: Record<string, number> = {};
  const variables: [string, string, string[]][] = [];
  const attrs: [string, string, string][] = [];
  let section = "";
  for (const line of text.split("\n")) {
    if (/^(dimensions|variables|\/\/ global attributes):/.test(line)) {
      section = line.split(":")[0] as string;
      continue;
    }
    const dim = /^\t(\S+) = (?:(\d+)|UNLIMITED ; \/\/ \((\d+) currently\))/.exec(line);
    if (section === "dimensions" && dim !== null) {
      dims[dim[1] as string] = Number(dim[2] ?? dim[3]);
      continue;
    }
    const attr = /^\t\t(\S*):(\S+) = (.*) ;$/.exec(line);
    if (attr !== null) {
      attrs.push([attr[1] as string, attr[2] as string, normalizeNcdump(attr[3] as string)]);
      continue;
    }
    const variable = /^\t(\w+) (\S+?)(?:\((.*)\))? ;$/.exec(line);
    if (section === "variables" && variable !== null) {
      const dimList = variable[3] === undefined ? [] : (variable[3] as string).split(", ");
      variables.push([variable[2] as string, variable[1] as string, dimList]);
    }
  }
  return { dims, variables, attrs };
}

/** ncdump's value text with type suffixes dropped and numbers re-printed, comparable to ours. */
function normalizeNcdump(text: string): string {
  if (text.startsWith('"')) return JSON.parse(text);
  return text
    .split(", ")
    .map((v) => String(Number(Number(v.replace(/(ub|us|ull|ll|UL|L|b|s|f|u)$/i, "")).toPrecision(6))))
    .join(",");
}

function ncdumpValue(value: unknown): string {
  if (typeof value === "string") return value;
  const list = Array.isArray(value) ? value : [value];
  // ncdump prints floats with 7 and doubles with 17 significant digits at most: compare at 6.
  return list.map((v) => String(Number(Number(v).toPrecision(6)))).join(",");
}
