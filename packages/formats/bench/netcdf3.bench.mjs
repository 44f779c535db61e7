// Read time of one 2048x2048 float32 variable from a classic NetCDF3 file: fieldbench against
// netCDF4-python (Debian's /usr/bin/python3, raw read with auto mask-and-scale off) and netcdfjs, same file,
// same run. Each time is the median of REPEATS runs of open + read + close.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFile } from "@fieldbench/formats";
import { NetCDFReader } from "netcdfjs";
import { makeTimer } from "../../../tools/bench-kit.mjs";

const REPEATS = 10;
const timeIt = makeTimer(REPEATS);
const N = 2048;
const dir = mkdtempSync(join(tmpdir(), "nc3-bench-"));
const path = join(dir, "field.classic.nc");

const python = `
import sys, time, json
import numpy as np, netCDF4
path, n, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as ds:
    ds.createDimension("y", n)
    ds.createDimension("x", n)
    ds.createVariable("lat", "f8", ("y",))[:] = np.linspace(-90, 90, n)
    field = ds.createVariable("field", "f4", ("y", "x"))
    field[:] = np.random.default_rng(0).standard_normal((n, n)).astype("f4")
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    with netCDF4.Dataset(path) as ds:
        var = ds.variables["field"]
        var.set_auto_maskandscale(False)
        data = var[:]
    times.append(time.perf_counter() - t0)
json.dump({"ms": sorted(times)[len(times) // 2] * 1000, "sum": float(data.astype("f8").sum())}, sys.stdout)
`;

try {
  const py = spawnSync("/usr/bin/python3", ["-c", python, path, String(N), String(REPEATS)], { encoding: "utf8" });
  if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr}`);
  const reference = JSON.parse(py.stdout);

  const ours = await timeIt(async () => {
    const file = await openFile(path);
    try {
      return (await file.read("field")).data;
    } finally {
      await file.close();
    }
  });
  const theirs = await timeIt(async () => new NetCDFReader(readFileSync(path)).getDataVariable("field"));

  let sum = 0;
  for (const v of ours.result) sum += v;
  if (Math.abs(sum - reference.sum) > 1e-6 * Math.abs(reference.sum) + 1e-3) {
    throw new Error(`fieldbench sum ${sum} differs from netCDF4-python's ${reference.sum}`);
  }
  const flat = theirs.result.flat();
  for (const i of [0, 1, N * N - 1, 12345]) {
    if (flat[i] !== ours.result[i]) throw new Error(`netcdfjs and fieldbench differ at ${i}`);
  }

  const rows = [
    ["fieldbench (openFile + read)", ours.ms],
    ["netCDF4-python 1.6 (raw read)", reference.ms],
    ["netcdfjs 4.0.0 (getDataVariable)", theirs.ms],
  ];
  console.log(
    `Read one ${N}x${N} float32 variable from a classic NetCDF3 file (median of ${REPEATS}, open + read + close)\n`,
  );
  console.log("| reader | time (ms) | ratio to fieldbench |");
  console.log("| --- | ---: | ---: |");
  for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / ours.ms).toFixed(2)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
