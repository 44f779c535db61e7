// Read time of one 2048x2048 float32 field from a zlib+shuffle chunked NetCDF4 file (written here by
// netCDF4-python, 256x256 chunks, level 4): fieldbench against h5py and netCDF4-python (Debian's
// /usr/bin/python3, raw values, no mask-and-scale), same file, same run. Each time is the median of REPEATS
// runs. Two fieldbench rows: open + read + close (what `inspect --var` costs), and read alone on an open
// file (what a loader streaming snapshots costs). The h5wasm worker is started once before timing; its
// start-up (about 0.3-1 s, loading the 4 MB wasm glue) is reported on its own row.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSha256 } from "@fieldbench/core";
import { openFile } from "@fieldbench/formats";
import { PYTHON_TIMING, formatTiming, makeTimer } from "../../../tools/bench-kit.mjs";

const REPEATS = 9;
const timeIt = makeTimer(REPEATS);
const N = 2048;
const dir = mkdtempSync(join(tmpdir(), "hdf5-bench-"));
const path = join(dir, "field.zlib-shuffle.nc");

const python = `
import sys, time, json, hashlib
import numpy as np, netCDF4, h5py
path, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
y, x = np.meshgrid(np.linspace(0, 6.283, n), np.linspace(0, 6.283, n), indexing="ij")
field = (np.sin(3 * x) * np.cos(5 * y) + 0.05 * np.random.default_rng(0).standard_normal((n, n))).astype("f4")
with netCDF4.Dataset(path, "w") as ds:
    ds.createDimension("y", n); ds.createDimension("x", n)
    ds.createVariable("u", "f4", ("y", "x"), zlib=True, shuffle=True, complevel=4, chunksizes=(256, 256))[:] = field
${PYTHON_TIMING}
def median(f):
    return timing(f, repeats)
def with_h5py():
    with h5py.File(path, "r") as f: return f["u"][...]
def with_netcdf4():
    with netCDF4.Dataset(path) as ds:
        v = ds["u"]; v.set_auto_maskandscale(False); return v[:]
h5_ms, a = median(with_h5py)
nc_ms, b = median(with_netcdf4)
json.dump({"h5py": h5_ms, "netcdf4": nc_ms, "sha256": hashlib.sha256(np.ascontiguousarray(a, "<f4").tobytes()).hexdigest(),
           "same": bool((a == b).all())}, sys.stdout)
`;

function sha256Of(data) {
  const hash = createSha256();
  hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return hash.digest();
}

try {
  const py = spawnSync("/usr/bin/python3", ["-c", python, path, String(N), String(REPEATS)], { encoding: "utf8" });
  if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr}`);
  const reference = JSON.parse(py.stdout);
  if (!reference.same) throw new Error("h5py and netCDF4-python disagree on the field");

  const t0 = performance.now();
  await (await openFile(path)).close();
  const startupMs = performance.now() - t0;

  const whole = await timeIt(async () => {
    const file = await openFile(path);
    try {
      return (await file.read("u")).data;
    } finally {
      await file.close();
    }
  });
  const open = await openFile(path);
  const readOnly = await timeIt(async () => (await open.read("u")).data);
  await open.close();
  for (const data of [whole.result, readOnly.result]) {
    if (sha256Of(data) !== reference.sha256) throw new Error("fieldbench's field differs from h5py's (sha256)");
  }

  const rows = [
    ["fieldbench: openFile + read + close", whole, reference.h5py, "h5py"],
    ["fieldbench: read on an open file", readOnly, reference.h5py, "h5py"],
    ["fieldbench: openFile + read + close", whole, reference.netcdf4, "netCDF4-python"],
  ];
  console.log(
    `One ${N}x${N} float32 field, NetCDF4 zlib level 4 + shuffle, 256x256 chunks; median (min-max) of ${REPEATS} runs.`,
  );
  console.log("Values checked identical (sha256 of the float32 bytes) across fieldbench, h5py and netCDF4-python.\n");
  console.log("| what | fieldbench (ms) | reference | reference (ms) | ratio of medians |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const [what, ours, theirs, name] of rows) {
    console.log(
      `| ${what} | ${formatTiming(ours)} | ${name} | ${formatTiming(theirs)} | ${(ours.ms / theirs.ms).toFixed(2)} |`,
    );
  }
  console.log(
    `\nh5wasm worker start-up (first openFile in the process): ${startupMs.toFixed(0)} ms, not in the medians.`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
