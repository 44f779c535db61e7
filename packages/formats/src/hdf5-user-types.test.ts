import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFile } from "./inspect.js";
import { openFile } from "./open.js";
import { PY_NC_NAMES } from "./netcdf4-python.test-helper.js";
import type { OpenFile } from "./types.js";

// netcdf4.user-types.nc is written by ncgen from tools/fixtures/netcdf4-user-types.cdl (tools/fixtures/hdf5.py).
// The expected view is netCDF4-python's, read in this run; the opaque variable, which netCDF4-python skips
// ("unsupported datatype"), is checked against ncdump -h.
const FILE = join(import.meta.dirname, "..", "fixtures", "netcdf4.user-types.nc");

interface PyVar {
  name: string;
  kind: string;
  dtype: string;
  shape: number[];
  dims: string[];
  members?: { name: string; dtype: string }[];
  values?: number[];
}

const SCRIPT = `
import json, sys, warnings
import numpy as np, netCDF4
warnings.simplefilter("ignore")
ds = netCDF4.Dataset(sys.argv[1])
out = {"dims": {}, "variables": []}
${PY_NC_NAMES}
def walk(g):
    for d in g.dimensions.values(): out["dims"][prefix(g) + d.name] = len(d)
    for v in g.variables.values():
        t = v.datatype
        kind = type(t).__name__  # CompoundType, VLType, EnumType or numpy dtype
        entry = {"name": prefix(g) + v.name, "kind": kind, "shape": list(v.shape),
                 "dims": [dim_key(v, d) for d in v.dimensions], "dtype": str(v.dtype)}
        if kind == "CompoundType":
            entry["members"] = [{"name": n, "dtype": np.dtype(t.dtype.fields[n][0]).name} for n in t.dtype.names]
        elif kind in ("dtype", "EnumType"):
            entry["values"] = [x.item() for x in np.asarray(v[...]).ravel()]
        out["variables"].append(entry)
    for c in g.groups.values(): walk(c)
walk(ds)
print(json.dumps(out))
`;

let file: OpenFile;
let ref: { dims: Record<string, number>; variables: PyVar[] };

beforeAll(async () => {
  const run = spawnSync("/usr/bin/python3", ["-c", SCRIPT, FILE], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  ref = JSON.parse(run.stdout);
  file = await openFile(FILE);
});
afterAll(() => file.close());

const KINDS: Record<string, string> = { CompoundType: "compound", VLType: "vlen" };

describe("netCDF-4 user-defined types, groups and byte orders, against netCDF4-python", () => {
  it("has netCDF4-python's dims, the unlimited ones at their current length", () => {
    expect(file.format).toBe("netcdf4");
    expect(file.dims).toEqual(ref.dims);
    // Worked by hand from the CDL: member is unlimited, used only by the compound variable `members` (3 records).
    expect(file.dims.member).toBe(3);
  });

  it("lists every variable netCDF4-python lists, under its netCDF name, compound and vlen ones included", () => {
    const ours = new Map(file.variables.map((v) => [v.name, v]));
    for (const want of ref.variables) {
      const got = ours.get(want.name);
      expect(got, want.name).toBeDefined();
      expect(got?.shape, want.name).toEqual(want.shape);
      expect(got?.dims, want.name).toEqual(want.dims);
      if (want.kind in KINDS) expect(got?.dtype, want.name).toBe(KINDS[want.kind]);
      if (want.members !== undefined) expect(got?.userType?.members, want.name).toEqual(want.members);
    }
    // `x` is stored as _nc4_non_coord_x: its netCDF name is x, and no variable keeps the prefix.
    expect([...ours.keys()].filter((n) => n.includes("_nc4_non_coord_"))).toEqual([]);
    expect(ours.get("x")?.dims).toEqual(["y"]);
  });

  it("lists the opaque variable that netCDF4-python skips, as ncdump -h does", () => {
    const header = spawnSync("ncdump", ["-h", FILE], { encoding: "utf8" }).stdout;
    expect(header).toMatch(/blob_t blob\(y\) ;/);
    const blob = file.variables.find((v) => v.name === "blob");
    expect(blob?.dtype).toBe("opaque");
    expect(blob?.userType).toEqual({ kind: "opaque", size: 4 });
    expect(
      describeFile(file)
        .variables.map((v) => v.name)
        .sort(),
    ).toEqual([...ref.variables.map((v) => v.name), "blob"].sort());
  });

  it("reads numeric, enum and big-endian variables equal to netCDF4-python's values", async () => {
    for (const want of ref.variables) {
      if (want.values === undefined) continue;
      const raw = await file.read(want.name);
      expect(Array.from(raw.data as ArrayLike<number>, Number), want.name).toEqual(want.values);
    }
  });

  it("refuses to read a compound variable with UNSUPPORTED naming it", async () => {
    let caught: unknown;
    try {
      await file.read("forecast/best");
    } catch (err) {
      caught = err;
    }
    expect(isFieldbenchError(caught, "UNSUPPORTED")).toBe(true);
    expect((caught as Error).message).toContain("forecast/best has a netCDF-4 compound type");
  });
});
