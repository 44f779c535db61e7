import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { describeFile, variableStats } from "./inspect.js";
import { openFile } from "./open.js";
import { openZarr, openZarrStore } from "./zarr.js";
import { type StoreKey, createLocalStore } from "./zarr-store.js";

/**
 * Fixtures and expected values come from tools/fixtures/zarr.py: v2 stores written by zarr-python 2.13
 * and read back by it, the CF group written by xarray (its decoded statistics included), v3 stores
 * encoded chunk by chunk with numcodecs from the numpy arrays recorded as expected.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "zarr");
interface Expected {
  dtype: string;
  shape: number[];
  values: (number | null)[];
  decoded?: (number | null)[];
  stats?: Record<string, number | null>;
  xarray_stats?: Record<string, number | null>;
}
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as Record<
  string,
  Record<string, Expected>
>;
const tmp = mkdtempSync(join(tmpdir(), "fieldbench-zarr-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function values(data: ArrayLike<number | bigint> | readonly string[]): (number | null)[] {
  return Array.from(data as ArrayLike<number | bigint>, (v) =>
    typeof v === "bigint" ? Number(v) : Number.isNaN(v) ? null : v,
  );
}

/** C-order slice of an expected flat array: rows [r0, r1) x cols [c0, c1) of a [.., rows, cols] block at `offset`. */
function slice2d(
  flat: readonly (number | null)[],
  cols: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  offset = 0,
) {
  const out: (number | null)[] = [];
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out.push(flat[offset + r * cols + c] as number | null);
  return out;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (!isFieldbenchError(err)) throw err;
    return err.code;
  }
}

const STORES = Object.keys(EXPECTED).filter((s) => s !== "v2.bz2.f4.zarr");

describe("zarr reader: values equal zarr-python / numpy", () => {
  for (const store of STORES) {
    it(`reads every array of ${store}`, async () => {
      const file = await openFile(join(FIXTURES, store));
      expect(file.format).toBe("zarr");
      for (const [name, want] of Object.entries(EXPECTED[store] ?? {})) {
        if (name.startsWith("__")) continue; // __dims__, __attrs__: checked by their own tests
        const varName = name === "" ? store.replace(/\.zarr$/, "") : name;
        const raw = await file.read(varName);
        expect(raw.shape, `${store}/${name}`).toEqual(want.shape);
        expect(raw.dtype, `${store}/${name}`).toBe(want.dtype);
        expect(values(raw.data as ArrayLike<number>), `${store}/${name}`).toEqual(want.values);
      }
    });
  }

  it("reads a hyperslab of an F-order array (chunk strides honoured)", async () => {
    const file = await openFile(join(FIXTURES, "v2.forder.f4.zarr"));
    const raw = await file.read("v2.forder.f4", [
      [3, 17],
      [5, 22],
    ]);
    const want = EXPECTED["v2.forder.f4.zarr"]?.[""]?.values ?? [];
    expect(raw.shape).toEqual([14, 17]);
    expect(values(raw.data as Float32Array)).toEqual(slice2d(want, 30, 3, 17, 5, 22));
  });

  it("reads a v3 transpose-codec array and a slice across shard and inner-chunk borders", async () => {
    const group = await openFile(join(FIXTURES, "v3.group.zarr"));
    const t = await group.read("transposed", [[5, 13], 7]);
    expect(t.shape).toEqual([8, 1]);
    expect(values(t.data as Float64Array)).toEqual(
      slice2d(EXPECTED["v3.group.zarr"]?.transposed?.values ?? [], 30, 5, 13, 7, 8),
    );
    const sharded = await openFile(join(FIXTURES, "v3.sharded.f4.zarr"));
    const s = await sharded.read("v3.sharded.f4", [
      [2, 11],
      [3, 10],
    ]);
    expect(values(s.data as Float32Array)).toEqual(
      slice2d(EXPECTED["v3.sharded.f4.zarr"]?.[""]?.values ?? [], 16, 2, 11, 3, 10),
    );
  });

  it("missing chunks read as fill_value (v2 -999 and NaN, v3 NaN)", async () => {
    const partial = await openFile(join(FIXTURES, "v2.partial.f4.zarr"));
    const corner = await partial.read("v2.partial.f4", [
      [16, 20],
      [24, 30],
    ]);
    expect(Array.from(corner.data as Float32Array)).toEqual(new Array(24).fill(-999));
    const v3 = await openFile(join(FIXTURES, "v3.gzip.f4.zarr"));
    const hole = await v3.read("v3.gzip.f4", [
      [8, 16],
      [8, 16],
    ]);
    expect(values(hole.data as Float32Array)).toEqual(new Array(64).fill(null));
  });
});

describe("zarr metadata", () => {
  it("describes an xarray group: dims from _ARRAY_DIMENSIONS, attrs without it, nested group paths", async () => {
    const report = describeFile(await openFile(join(FIXTURES, "v2.era5-like.consolidated.zarr")));
    expect(report.format).toBe("zarr");
    expect(report.dims).toEqual(EXPECTED["v2.era5-like.consolidated.zarr"]?.__dims__);
    expect(report.attrs).toEqual({ title: "ERA5-like packed sample", Conventions: "CF-1.6" });
    expect(report.variables.map((v) => v.name)).toEqual(["latitude", "longitude", "lsm", "surface/sp", "t2m", "time"]);
    const t2m = report.variables.find((v) => v.name === "t2m");
    expect(t2m?.dims).toEqual(["time", "latitude", "longitude"]);
    expect(t2m?.dtype).toBe("int16");
    expect(t2m?.attrs).toEqual({
      add_offset: 265,
      scale_factor: 0.001,
      long_name: "2 metre temperature",
      units: "K",
      _FillValue: -32767,
    });
    expect(report.variables.find((v) => v.name === "surface/sp")?.dims).toEqual(["latitude", "longitude"]);
  });

  it("reports chunks and codecs, v3 dimension_names, and dim_N for unnamed dims", async () => {
    const v2 = await openFile(join(FIXTURES, "v2.shuffle-zlib.f8.zarr"));
    expect(v2.variables[0]).toMatchObject({
      name: "v2.shuffle-zlib.f8",
      dtype: "float64",
      dims: ["dim_0", "dim_1"],
      chunks: [7, 9],
      filters: ["shuffle", "zlib"],
    });
    const be = await openFile(join(FIXTURES, "v2.bigendian.i2.zarr"));
    expect(be.variables[0]).toMatchObject({ dtype: "int16", filters: [] });
    const sharded = await openFile(join(FIXTURES, "v3.sharded.f4.zarr"));
    expect(sharded.variables[0]).toMatchObject({
      dims: ["y", "x"],
      chunks: [8, 8],
      filters: ["sharding_indexed(bytes, gzip)"],
    });
    const group = await openFile(join(FIXTURES, "v3.group.zarr"));
    expect(group.attrs).toEqual({ title: "v3 group" });
    expect(group.variables.map((v) => v.name)).toEqual(["inner/counts", "packed", "transposed"]);
  });

  it("walks a plain zarr-python group by listing: nested groups, bool, fixed strings, 0-d; nested attrs as JSON text", async () => {
    const file = await openFile(join(FIXTURES, "v2.group.misc.zarr"));
    expect(file.extra).toEqual({
      zarr: {
        zarrFormat: 2,
        discovery: "listing",
        skipped: [{ name: "cplx", reason: expect.stringContaining("arrays of c8 are not read") }],
      },
    });
    expect(file.attrs).toEqual({ source: "zarr-python 2.13", nested: '{"a":1}' });
    expect(file.variables.map((v) => [v.name, v.dtype, v.shape])).toEqual([
      ["a/b/c", "int16", [2, 3]],
      ["flags", "uint8", [5]],
      ["names", "string", [3]],
      ["scalar", "float64", []],
    ]);
    expect((await file.read("names", [[1, 3]])).data).toEqual(["beta", "gamma"]);
    const v3 = await openFile(join(FIXTURES, "v3.group.consolidated.zarr"));
    expect(v3.extra).toEqual({ zarr: { zarrFormat: 3, discovery: "consolidated" } });
  });

  it("the walk lists only groups (never an array folder full of chunks) and skips folders without metadata", async () => {
    const root = join(tmp, "walk.zarr");
    cpSync(join(FIXTURES, "v2.group.misc.zarr"), root, { recursive: true });
    mkdirSync(join(root, "a", "not-a-node"));
    const local = await createLocalStore(root);
    const listed: string[] = [];
    const store = {
      ...local,
      list: async (prefix: StoreKey) => {
        listed.push(prefix);
        return (await local.list?.(prefix)) ?? { dirs: [], files: [] };
      },
    };
    const file = await openZarr(store);
    expect(file.variables.map((v) => v.name)).toEqual(["a/b/c", "flags", "names", "scalar"]);
    expect(listed.sort()).toEqual(["/", "/a", "/a/b"]);
  });

  it("variableStats of the packed int16 t2m equal numpy's (float64) and xarray's (float32) after masking and unpacking", async () => {
    const file = await openFile(join(FIXTURES, "v2.era5-like.consolidated.zarr"));
    const stats = await variableStats(file, "t2m");
    const numpy = EXPECTED["v2.era5-like.consolidated.zarr"]?.t2m?.stats ?? {};
    const xarray = EXPECTED["v2.era5-like.consolidated.zarr"]?.t2m?.xarray_stats ?? {};
    expect(stats.count).toBe(numpy.count);
    expect(stats.missing).toBe(numpy.missing);
    expect(stats.count).toBe(xarray.count);
    expect(stats.first).toBeNull();
    for (const key of ["min", "max", "mean", "sum", "last"] as const) {
      expect(stats[key], key).toBeCloseTo(numpy[key] as number, 9);
      // xarray unpacks int16 into float32: equal to float32 precision (2^-24 relative).
      expect(Math.abs((stats[key] as number) - (xarray[key] as number)), key).toBeLessThan(
        Math.abs(xarray[key] as number) * 1.2e-7,
      );
    }
  });

  it("a packed v3 variable decodes with its own _FillValue, scale_factor and add_offset", async () => {
    const file = await openFile(join(FIXTURES, "v3.group.zarr"));
    const stats = await variableStats(file, "packed");
    const raw = (EXPECTED["v3.group.zarr"]?.packed?.values ?? []) as number[];
    const kept = raw.filter((v) => v !== -1).map((v) => v * 0.01);
    expect(stats.count).toBe(kept.length);
    expect(stats.min).toBeCloseTo(Math.min(...kept), 12);
    expect(stats.max).toBeCloseTo(Math.max(...kept), 12);
  });
});

describe("zarr stores as Python writers leave them", () => {
  it("attribute JSON with bare NaN / Infinity (zarr-python's json.dumps) reads as the numbers zarr-python reads", async () => {
    const store = "v2.nan-attrs.zarr";
    const want = (EXPECTED[store] as unknown as { __attrs__: Record<string, Record<string, unknown>> }).__attrs__;
    const file = await openFile(join(FIXTURES, store));
    const asPython = (attrs: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(attrs, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? pythonFloat(v) : v)));
    expect(asPython(file.attrs as Record<string, unknown>)).toEqual(want[""]);
    const t = file.variables.find((v) => v.name === "t");
    expect(asPython(t?.attrs as Record<string, unknown>)).toEqual(want.t);
    // Worked by hand: the three non-finite values, and a string that merely contains "NaN" stays a string.
    expect(Number.isNaN(t?.attrs.missing_value)).toBe(true);
    expect(file.attrs.bounds).toEqual([Number.NEGATIVE_INFINITY, 0.5, Number.POSITIVE_INFINITY]);
    expect(file.attrs.note).toBe("NaN stays text inside a string");
    await file.close();
  });

  it("a root without .zgroup (arrays written one by one below it) sniffs as Zarr and lists its arrays", async () => {
    const file = await openFile(join(FIXTURES, "v2.no-root-group.zarr"));
    expect(file.format).toBe("zarr");
    expect(file.variables.map((v) => v.name).sort()).toEqual(["t2m", "wind/u"]);
    await file.close();
  });

  it("consolidated metadata as the only metadata, naming no root group, opens", async () => {
    const file = await openFile(join(FIXTURES, "v2.consolidated-only.zarr"));
    expect(file.variables.map((v) => v.name).sort()).toEqual(["sst", "sub/mask"]);
    await file.close();
  });
});

/** Python's repr of a non-finite float, as the fixture script records them. */
function pythonFloat(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

describe("zarr bad input", () => {
  it("an unknown codec is listed by inspect but refused on read with FILTER_UNSUPPORTED", async () => {
    const file = await openFile(join(FIXTURES, "v2.bz2.f4.zarr"));
    expect(file.variables[0]?.filters).toEqual(["bz2"]);
    expect(await codeOf(file.read("v2.bz2.f4"))).toBe("FILTER_UNSUPPORTED");
  });

  it("a missing path is FILE_NOT_FOUND; a directory without Zarr metadata is UNKNOWN_FORMAT", async () => {
    expect(await codeOf(openFile(join(tmp, "nope.zarr")))).toBe("FILE_NOT_FOUND");
    const empty = join(tmp, "empty.zarr");
    cpSync(join(FIXTURES, "v2.zlib.f4.zarr"), empty, { recursive: true });
    rmSync(join(empty, ".zarray"));
    expect(await codeOf(openFile(empty))).toBe("UNKNOWN_FORMAT");
    expect(await codeOf(openZarrStore(empty))).toBe("FILE_NOT_FOUND");
  });

  it("a consolidated entry pointing outside the store is UNSAFE_PATH, never read", async () => {
    const store = join(tmp, "escape.zarr");
    cpSync(join(FIXTURES, "v2.era5-like.consolidated.zarr"), store, { recursive: true });
    const meta = JSON.parse(readFileSync(join(store, ".zmetadata"), "utf8"));
    meta.metadata["../../etc/passwd/.zarray"] = meta.metadata["t2m/.zarray"];
    writeFileSync(join(store, ".zmetadata"), JSON.stringify(meta));
    expect(await codeOf(openFile(store))).toBe("UNSAFE_PATH");
    meta.metadata = { ".zgroup": { zarr_format: 2 }, "/etc/.zarray": meta.metadata["t2m/.zarray"] };
    writeFileSync(join(store, ".zmetadata"), JSON.stringify(meta));
    expect(await codeOf(openFile(store))).toBe("UNSAFE_PATH");
  });

  it("keys with .. segments and symlinks leaving the store are UNSAFE_PATH", async () => {
    const root = join(tmp, "links.zarr");
    cpSync(join(FIXTURES, "v2.zlib.f4.zarr"), root, { recursive: true });
    const store = await createLocalStore(root);
    expect(await codeOf(store.get("/../v2.zlib.f4.zarr/.zarray"))).toBe("UNSAFE_PATH");
    expect(await codeOf(store.get("/a/../../x"))).toBe("UNSAFE_PATH");
    writeFileSync(join(tmp, "secret"), "outside");
    rmSync(join(root, "0.0"));
    symlinkSync(join(tmp, "secret"), join(root, "0.0"));
    expect(await codeOf(store.get("/0.0"))).toBe("UNSAFE_PATH");
    const file = await openFile(root);
    expect(await codeOf(file.read("links"))).toBe("UNSAFE_PATH");
  });

  it("a header declaring 10^12 elements is TOO_LARGE for a whole read, but a small slice reads as fill", async () => {
    const root = join(tmp, "huge.zarr");
    cpSync(join(FIXTURES, "v2.zlib.f4.zarr"), root, { recursive: true });
    const zarray = JSON.parse(readFileSync(join(root, ".zarray"), "utf8"));
    zarray.shape = [1_000_000, 1_000_000];
    writeFileSync(join(root, ".zarray"), JSON.stringify(zarray));
    const file = await openFile(root);
    expect(file.variables[0]?.shape).toEqual([1_000_000, 1_000_000]);
    expect(await codeOf(file.read("huge"))).toBe("TOO_LARGE");
    const corner = await file.read("huge", [
      [999_990, 1_000_000],
      [0, 2],
    ]);
    expect(corner.shape).toEqual([10, 2]);
    zarray.chunks = [1_000_000, 1_000_000];
    writeFileSync(join(root, ".zarray"), JSON.stringify(zarray));
    expect(await codeOf((await openFile(root)).read("huge", [0, [0, 1]]))).toBe("TOO_LARGE");
  });

  it("a truncated or corrupt chunk is CORRUPT_FILE naming the store", async () => {
    const root = join(tmp, "trunc.zarr");
    cpSync(join(FIXTURES, "v2.bigendian.i2.zarr"), root, { recursive: true });
    const chunk = readFileSync(join(root, "0.0"));
    writeFileSync(join(root, "0.0"), chunk.subarray(0, 17));
    const file = await openFile(root);
    const err = await file.read("trunc").catch((e: unknown) => e);
    expect(isFieldbenchError(err, "CORRUPT_FILE")).toBe(true);
    expect((err as Error).message).toContain(root);
  });
});

describe("zarr reader against zarr-python in the same run", () => {
  it("a v3 store written by zarrita decodes with numcodecs + numpy chunk by chunk to what we read", async () => {
    const zarr = await import("zarrita");
    const { default: FileSystemStore } = await import("@zarrita/storage/fs");
    const root = join(tmp, "zarrita-v3.zarr");
    const arr = await zarr.create(zarr.root(new FileSystemStore(root)).resolve("/"), {
      shape: [20, 30],
      chunkShape: [8, 16],
      dtype: "int32",
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 3, checksum: false } },
      ],
      fillValue: -7,
      dimensionNames: ["y", "x"],
    });
    const data = Int32Array.from({ length: 600 }, (_, i) => ((i * 7919) % 1000) - 500);
    await zarr.set(arr, [zarr.slice(0, 16), null], { data: data.subarray(0, 480), shape: [16, 30], stride: [30, 1] });
    // numpy assembles the array from zarr.json and the chunk files alone; unwritten chunks are fill_value.
    const script = [
      "import sys, os, json, numcodecs, numpy as np",
      "root = sys.argv[1]; meta = json.load(open(os.path.join(root, 'zarr.json')))",
      "(ny, nx), (cy, cx) = meta['shape'], meta['chunk_grid']['configuration']['chunk_shape']",
      "out = np.full((ny, nx), meta['fill_value'], dtype='<i4')",
      "for i in range(-(-ny // cy)):",
      "  for j in range(-(-nx // cx)):",
      "    p = os.path.join(root, 'c', str(i), str(j))",
      "    if not os.path.exists(p): continue",
      "    block = np.frombuffer(numcodecs.Zstd().decode(open(p, 'rb').read()), dtype='<i4').reshape(cy, cx)",
      "    h, w = min(cy, ny - i * cy), min(cx, nx - j * cx)",
      "    out[i*cy:i*cy+h, j*cx:j*cx+w] = block[:h, :w]",
      "json.dump({'values': out.reshape(-1).tolist(), 'dims': meta['dimension_names']}, sys.stdout)",
    ].join("\n");
    const py = spawnSync("/usr/bin/python3", ["-c", script, root], { encoding: "utf8" });
    expect(py.status, py.stderr).toBe(0);
    const want = JSON.parse(py.stdout);
    const file = await openFile(root);
    expect(file.variables[0]?.dims).toEqual(want.dims);
    expect(Array.from((await file.read("zarrita-v3")).data as Int32Array)).toEqual(want.values);
    expect(want.values.slice(480)).toEqual(new Array(120).fill(-7));
  });

  it("a 3-D store written by zarr-python in the test reads equal, one time step at a time", async () => {
    const root = join(tmp, "py.zarr");
    const script = [
      "import sys, zarr, numcodecs, numpy as np",
      "a = (np.arange(5*33*47, dtype='f8').reshape(5,33,47) ** 0.5).astype('f4')",
      "z = zarr.open_array(sys.argv[1], mode='w', shape=a.shape, chunks=(1,16,16), dtype='f4', compressor=numcodecs.Blosc('zstd', 3, numcodecs.Blosc.SHUFFLE))",
      "z[...] = a",
      "sys.stdout.write(repr(float(zarr.open_array(sys.argv[1])[3].astype('f8').sum())))",
    ].join("\n");
    const py = spawnSync("/usr/bin/python3", ["-c", script, root], { encoding: "utf8" });
    expect(py.status, py.stderr).toBe(0);
    const file = await openFile(root);
    const step = await file.read("py", [3]);
    expect(step.shape).toEqual([1, 33, 47]);
    let sum = 0;
    for (const v of step.data as Float32Array) sum += v;
    expect(sum).toBeCloseTo(Number(py.stdout), 6);
  });
});
