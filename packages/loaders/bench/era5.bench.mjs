// Time to load one ERA5 field (2 m temperature, one time step, the 721 x 1440 0.25-degree grid) from the
// three forms users get it in, against Debian's python readers on the same files in the same run:
// legacy CDS NetCDF (int16 packed; netCDF4-python with mask and scale), CDS GRIB2 with CCSDS packing
// (eccodes codes_get_values) and an analysis-ready Zarr store (zarr 2.13, blosc-lz4, 2 chunks per step).
// Every row opens, reads and closes, as a script loading one field does; each time is a median of REPEATS.
// The files are written here by tools/fixtures/era5.py (netCDF4-python, eccodes, zarr).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openEra5 } from "@fieldbench/loaders";
import { median } from "../../../tools/bench-kit.mjs";

const REPEATS = 7;
const fixtures = fileURLToPath(new URL("../../../tools/fixtures", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "era5-bench-"));
const files = { netcdf: join(dir, "t2m.nc"), grib: join(dir, "t2m.ccsds.grib2"), zarr: join(dir, "t2m.zarr") };

const python = `
import sys, time, json
sys.path = [p for p in sys.path if "tools/fixtures" not in p]
import numpy as np
fixtures, nc, grib, zpath, repeats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
sys.path.insert(0, fixtures)
import era5
era5.write_legacy_netcdf(nc, 721, 1440, 1, missing=False)
era5.write_grib(grib, 721, 1440, 1)
era5.write_zarr(zpath, 721, 1440, 1)
sys.path.pop(0)
import netCDF4, eccodes, zarr
def median(f):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); v = f(); times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2] * 1000, float(np.nansum(v))
def read_nc():
    with netCDF4.Dataset(nc) as ds: return np.ma.filled(ds["t2m"][0].astype("f8"), np.nan)
def read_grib():
    with open(grib, "rb") as f:
        while True:
            h = eccodes.codes_grib_new_from_file(f)
            if eccodes.codes_get(h, "shortName") == "2t":
                v = eccodes.codes_get_values(h); eccodes.codes_release(h); return v
            eccodes.codes_release(h)
def read_zarr():
    return zarr.open_group(zpath, mode="r")["2m_temperature"][0]
out = {}
for name, f in [("netcdf", read_nc), ("grib", read_grib), ("zarr", read_zarr)]:
    ms, total = median(f); out[name] = {"ms": ms, "sum": total}
json.dump(out, sys.stdout)
`;

async function loadOnce(path) {
  const source = await openEra5(path);
  try {
    return (await source.readField("t2m", 0)).data;
  } finally {
    await source.close();
  }
}

try {
  const py = spawnSync(
    "/usr/bin/python3",
    ["-c", python, fixtures, files.netcdf, files.grib, files.zarr, String(REPEATS)],
    {
      encoding: "utf8",
      maxBuffer: 1 << 24,
    },
  );
  if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr}`);
  const reference = JSON.parse(py.stdout);
  await loadOnce(files.netcdf); // start the h5wasm worker and warm the module cache outside the timings
  const rows = [];
  for (const [name, label, readerName] of [
    ["netcdf", "CDS NetCDF (int16 packed), NETCDF3 64-bit offset", "netCDF4-python"],
    ["grib", "CDS GRIB2, CCSDS packing (16 bits)", "eccodes"],
    ["zarr", "analysis-ready Zarr (blosc-lz4, local)", "zarr 2.13"],
  ]) {
    const times = [];
    let data;
    for (let i = 0; i < REPEATS; i++) {
      globalThis.gc?.();
      const t0 = performance.now();
      data = await loadOnce(files[name]);
      times.push(performance.now() - t0);
    }
    let sum = 0;
    for (const v of data) if (!Number.isNaN(v)) sum += v;
    const agree = Math.abs(sum - reference[name].sum) / Math.abs(reference[name].sum) < 1e-6;
    const ours = median(times);
    rows.push(
      `| ${label} | ${ours.toFixed(1)} ms | ${readerName} ${reference[name].ms.toFixed(1)} ms | ${(ours / reference[name].ms).toFixed(2)} | ${agree ? "yes" : "NO"} |`,
    );
  }
  console.log("One ERA5 field, t2m at one time, 721 x 1440 (open + read + close, median of %d)\n", REPEATS);
  console.log("| what | fieldbench | reference | ratio (ours / reference) | same values |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
