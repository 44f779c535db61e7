import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { readNpy, writeNpy } from "./npy.js";
import { openFile } from "./open.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const PYTHON = "/usr/bin/python3";
const tmp = mkdtempSync(join(tmpdir(), "npy-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What numpy's np.load says about each file: shape, dtype name and values as a flat C-order list. */
function numpyLoad(paths: readonly string[]): Record<string, { shape: number[]; dtype: string; values: number[] }> {
  const script = `
import json, sys, numpy as np
out = {}
for p in sys.argv[1:]:
    a = np.load(p)
    out[p] = {"shape": list(a.shape), "dtype": a.dtype.name, "values": np.ascontiguousarray(a).ravel().astype("f8").tolist()}
print(json.dumps(out))
`;
  const run = spawnSync(PYTHON, ["-c", script, ...paths], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const readable = readdirSync(FIXTURES).filter((f) => f.endsWith(".npy") && f !== "structured.npy");

describe("npy reader vs numpy", () => {
  const expected = numpyLoad(readable.map((f) => join(FIXTURES, f)));
  for (const name of readable) {
    it(`reads ${name} as numpy does`, async () => {
      const ref = expected[join(FIXTURES, name)];
      const array = await readNpy(join(FIXTURES, name));
      expect(array.shape).toEqual(ref?.shape);
      expect(Array.from(array.data as ArrayLike<number | bigint>, Number)).toEqual(ref?.values);
      // numpy's dtype names match ours except bool, which we expose as uint8.
      expect(array.dtype).toBe(ref?.dtype === "bool" ? "uint8" : ref?.dtype);
    });
  }

  it("opens through openFile with one variable 'data' and dims dim_0..", async () => {
    const file = await openFile(join(FIXTURES, "ramp.f8-be.3x4x5.npy"));
    expect(file.format).toBe("npy");
    expect(file.dims).toEqual({ dim_0: 3, dim_1: 4, dim_2: 5 });
    expect(file.variables.map((v) => [v.name, v.dtype, v.shape, v.dims])).toEqual([
      ["data", "float64", [3, 4, 5], ["dim_0", "dim_1", "dim_2"]],
    ]);
  });

  it("reads selections equal to numpy slices, C and Fortran order", async () => {
    for (const name of ["ramp.f4-le.3x4x5.npy", "ramp.f4-le.fortran.3x4x5.npy"]) {
      const file = await openFile(join(FIXTURES, name));
      const part = await file.read("data", [[1, 3], 2, [1, 4]]);
      // ramp value = flat index * 1.5 - 7 with flat = i*20 + j*5 + k (numpy's arange reshaped in C order)
      const want: number[] = [];
      for (const i of [1, 2]) for (const k of [1, 2, 3]) want.push((i * 20 + 2 * 5 + k) * 1.5 - 7);
      expect(part.shape).toEqual([2, 1, 3]);
      expect(Array.from(part.data as Float32Array)).toEqual(want);
    }
  });

  it("refuses structured dtypes, unknown variables and truncated files with FieldbenchErrors", async () => {
    await expect(readNpy(join(FIXTURES, "structured.npy"))).rejects.toMatchObject({ code: "CORRUPT_FILE" });
    const file = await openFile(join(FIXTURES, "ramp.u1.10.npy"));
    await expect(file.read("x")).rejects.toMatchObject({ code: "VARIABLE_NOT_FOUND" });
    const bytes = readFileSync(join(FIXTURES, "ramp.f4-le.3x4x5.npy"));
    const cut = join(tmp, "cut.npy");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 4));
    const err = await openFile(cut).catch((e: unknown) => e);
    expect(isFieldbenchError(err, "CORRUPT_FILE")).toBe(true);
    expect(String((err as Error).message)).toMatch(/needs 368 bytes, the file has 364/);
  });

  it("refuses a declared size above the allocation limit before allocating", async () => {
    // 3*4*5 float64 = 480 bytes: above a 400-byte limit, so the whole read is refused; one row of 5 (40 bytes) is not.
    const previous = process.env.FIELDBENCH_MAX_BYTES;
    process.env.FIELDBENCH_MAX_BYTES = "400";
    try {
      const file = await openFile(join(FIXTURES, "ramp.f8-be.3x4x5.npy"));
      await expect(file.read("data")).rejects.toMatchObject({ code: "TOO_LARGE" });
      expect((await file.read("data", [0, 0])).shape).toEqual([1, 1, 5]);
    } finally {
      if (previous === undefined) delete process.env.FIELDBENCH_MAX_BYTES;
      else process.env.FIELDBENCH_MAX_BYTES = previous;
    }
  });
});

describe("npy writer: numpy reads it back identically", () => {
  it("writes float32, float64, int16, int32, uint8, int64, C and Fortran order", async () => {
    const cases = [
      { name: "f4.npy", data: Float32Array.from([1.5, -2.25, 3e-8, 1e30, 0, -0]), shape: [2, 3] },
      { name: "f8.npy", data: Float64Array.from([Math.PI, -Math.E, 1e-300, 7]), shape: [4] },
      { name: "i2.npy", data: Int16Array.from([-32768, 32767, 0, 5, -5, 1]), shape: [3, 2] },
      { name: "i4.npy", data: Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 3, 4]), shape: [1, 2, 2] },
      { name: "u1.npy", data: Uint8Array.from([0, 255, 7]), shape: [3] },
      { name: "i8.npy", data: BigInt64Array.from([-(2n ** 40n), 3n]), shape: [2] },
      {
        name: "f4.fortran.npy",
        data: Float32Array.from({ length: 24 }, (_, i) => i * 0.5),
        shape: [2, 3, 4],
        fortran: true,
      },
    ];
    for (const c of cases) await writeNpy(join(tmp, c.name), c.data, c.shape, { fortranOrder: c.fortran === true });
    const script = `
import json, sys, numpy as np
out = {}
for p in sys.argv[1:]:
    a = np.load(p)
    out[p.split("/")[-1]] = {"shape": list(a.shape), "dtype": a.dtype.str, "fortran": bool(a.flags.f_contiguous and a.ndim > 1 and not a.flags.c_contiguous),
      "values": [repr(x) for x in np.ascontiguousarray(a).ravel().tolist()]}
print(json.dumps(out))
`;
    const run = spawnSync(PYTHON, ["-c", script, ...cases.map((c) => join(tmp, c.name))], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const got = JSON.parse(run.stdout);
    const descr: Record<string, string> = {
      Float32Array: "<f4",
      Float64Array: "<f8",
      Int16Array: "<i2",
      Int32Array: "<i4",
      Uint8Array: "|u1",
      BigInt64Array: "<i8",
    };
    for (const c of cases) {
      const ref = got[c.name];
      expect(ref.shape).toEqual(c.shape);
      expect(ref.dtype).toBe(descr[c.data.constructor.name]);
      expect(ref.fortran).toBe(c.fortran === true);
      // repr of the float64 value numpy holds; float32 values widen exactly, so compare as numbers.
      expect(ref.values.map(Number)).toEqual(Array.from(c.data as ArrayLike<number | bigint>, Number));
      const back = await readNpy(join(tmp, c.name));
      expect(Array.from(back.data as ArrayLike<number | bigint>, Number)).toEqual(
        Array.from(c.data as ArrayLike<number | bigint>, Number),
      );
    }
  });

  it("refuses data whose length does not match the shape", async () => {
    await expect(writeNpy(join(tmp, "bad.npy"), new Float32Array(5), [2, 3])).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
    });
  });
});
