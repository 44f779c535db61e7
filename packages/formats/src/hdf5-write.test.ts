import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { createHdf5Writer, writeHdf5 } from "./hdf5-write.js";
import { openFile } from "./open.js";

const PYTHON = "/usr/bin/python3";
const tmp = mkdtempSync(join(tmpdir(), "hdf5-write-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface H5pyDataset {
  shape: number[];
  dtype: string;
  chunks: number[] | null;
  compression: string | null;
  values: number[];
  attrs: Record<string, unknown>;
  dims: string[];
}

/** What h5py sees in a file: every dataset's dtype, chunks, filter, values, attrs and attached scale names. */
function h5pyDump(path: string): { attrs: Record<string, unknown>; datasets: Record<string, H5pyDataset> } {
  const script = `
import json, sys, h5py, numpy as np
def plain(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, np.ndarray): return [plain(x) for x in v.tolist()]
    if isinstance(v, np.generic): return v.item()
    return v
f = h5py.File(sys.argv[1], "r")
out = {"attrs": {k: plain(v) for k, v in f.attrs.items()}, "datasets": {}}
def visit(name, obj):
    if not isinstance(obj, h5py.Dataset): return
    hidden = ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME")
    out["datasets"][name] = {
        "shape": list(obj.shape), "dtype": obj.dtype.name, "chunks": list(obj.chunks) if obj.chunks else None,
        "compression": obj.compression, "values": obj[()].ravel().astype("f8").tolist(),
        "attrs": {k: plain(v) for k, v in obj.attrs.items() if k not in hidden},
        "dims": [d[0].name.lstrip("/") if len(d) else "" for d in obj.dims],
    }
f.visititems(visit)
print(json.dumps(out))
`;
  const run = spawnSync(PYTHON, ["-c", script, path], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

function ncdumpHeader(path: string): string {
  const run = spawnSync("ncdump", ["-h", path], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

describe("writeHdf5", () => {
  it("writes every dtype, gzip, groups, attrs and dims that h5py and ncdump read back", async () => {
    const path = join(tmp, "whole.nc");
    const u = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 1);
    await writeHdf5(
      path,
      [
        { name: "x", data: Float64Array.from([10, 20, 30]), shape: [3], dims: ["x"], attrs: { units: "m" } },
        {
          name: "g/u",
          data: u,
          shape: [4, 3],
          dims: ["t", "x"],
          chunks: [2, 3],
          compression: 6,
          attrs: { scale_factor: 0.1, flags: [1, 2] },
        },
        { name: "i16", data: Int16Array.from([1, -2, 3, -32768]), shape: [2, 2], compression: "gzip" },
        { name: "i32", data: Int32Array.from([7, -8, 2147483647]), shape: [3] },
        { name: "u8", data: Uint8Array.from([0, 255]), shape: [2] },
      ],
      { title: "fieldbench test", version: 3 },
    );
    const dump = h5pyDump(path);
    expect(dump.attrs).toEqual({ title: "fieldbench test", version: 3 });
    const gu = dump.datasets["g/u"];
    expect(gu?.dtype).toBe("float32");
    expect(gu?.chunks).toEqual([2, 3]);
    expect(gu?.compression).toBe("gzip");
    expect(gu?.values).toEqual(Array.from(u));
    expect(gu?.attrs).toEqual({ scale_factor: 0.1, flags: [1, 2] });
    expect(gu?.dims).toEqual(["t", "x"]);
    expect(dump.datasets.x?.attrs).toEqual({ units: "m" });
    expect(dump.datasets.i16).toMatchObject({ dtype: "int16", compression: "gzip", values: [1, -2, 3, -32768] });
    expect(dump.datasets.i32).toMatchObject({ dtype: "int32", values: [7, -8, 2147483647] });
    expect(dump.datasets.u8).toMatchObject({ dtype: "uint8", values: [0, 255] });
    // ncdump sees real dimensions: t has no coordinate variable, x does; the placeholder scale is hidden.
    const header = ncdumpHeader(path);
    expect(header).toMatch(/dimensions:\n\tx = 3 ;\n\tt = 4 ;/);
    expect(header).toContain("float u(t, x) ;");
    expect(header).toContain("double x(x) ;");
    expect(header).not.toMatch(/\bfloat t\(/);
    expect(readdirSync(tmp).filter((f) => f.includes(".tmp-"))).toEqual([]);
    // fieldbench's reader agrees with ncdump: t is a dimension only, g/u is (t, x).
    const file = await openFile(path);
    try {
      expect(file.format).toBe("netcdf4");
      expect(file.dims).toMatchObject({ x: 3, t: 4 });
      expect(file.variables.map((v) => v.name)).not.toContain("t");
      expect(file.variables.find((v) => v.name === "g/u")?.dims).toEqual(["t", "x"]);
      expect(Array.from((await file.read("g/u", [[1, 2]])).data as Float32Array)).toEqual(Array.from(u.subarray(3, 6)));
    } finally {
      await file.close();
    }
  });

  it("refuses lzf (absent from h5wasm 0.10.3) and leaves nothing behind", async () => {
    const path = join(tmp, "lzf.h5");
    const error = await writeHdf5(path, [
      { name: "a", data: new Float32Array(4), shape: [4], compression: "lzf" },
    ]).catch((e: unknown) => e);
    expect(isFieldbenchError(error, "FILTER_UNSUPPORTED")).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith("lzf.h5"))).toEqual([]);
  });

  it("refuses data that does not fill the shape", async () => {
    const error = await writeHdf5(join(tmp, "short.h5"), [
      { name: "a", data: new Float32Array(5), shape: [2, 3] },
    ]).catch((e: unknown) => e);
    expect(isFieldbenchError(error, "SHAPE_MISMATCH")).toBe(true);
    expect(existsSync(join(tmp, "short.h5"))).toBe(false);
  });
});

describe("createHdf5Writer", () => {
  it("streams slabs into a fixed-shape chunked dataset, published only on close", async () => {
    const path = join(tmp, "stream.h5");
    const writer = await createHdf5Writer(path, { source: "stream" });
    writer.createDataset({
      name: "fields",
      dtype: "float32",
      shape: [3, 2, 4, 4],
      compression: 4,
      dims: ["n", "c", "y", "x"],
    });
    writer.createDataset({ name: "step", dtype: "int32", shape: [3], dims: ["n"] });
    // Written out of order, two snapshots at once, to show slabs land by index.
    const slab = (i: number) => Float32Array.from({ length: 32 }, (_, j) => i * 100 + j);
    writer.writeSlab("fields", 2, slab(2));
    writer.writeSlab("fields", 0, Float32Array.from([...slab(0), ...slab(1)]));
    writer.writeSlab("step", 0, Int32Array.from([5, 6, 7]));
    expect(existsSync(path)).toBe(false);
    expect(() => writer.writeSlab("fields", 2, slab(3).subarray(0, 31))).toThrow(/does not fit/);
    await writer.close();
    const dump = h5pyDump(path);
    expect(dump.attrs).toEqual({ source: "stream" });
    expect(dump.datasets.fields).toMatchObject({
      shape: [3, 2, 4, 4],
      chunks: [1, 2, 4, 4],
      compression: "gzip",
      dims: ["n", "c", "y", "x"],
      values: [...slab(0), ...slab(1), ...slab(2)],
    });
    expect(dump.datasets.step).toMatchObject({ dtype: "int32", values: [5, 6, 7] });
    expect(ncdumpHeader(path)).toContain("float fields(n, c, y, x) ;");
  });

  it("abort() deletes the temporary file", async () => {
    const path = join(tmp, "aborted.h5");
    const writer = await createHdf5Writer(path);
    writer.createDataset({ name: "a", dtype: "float64", shape: [2] });
    await writer.abort();
    expect(readdirSync(tmp).filter((f) => f.startsWith("aborted.h5"))).toEqual([]);
  });
});
