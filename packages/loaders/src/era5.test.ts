import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERA5_VARIABLES, era5VariablesByStandardName, findEra5Variable } from "./era5-vocabulary.js";
import { buildSuperbenchEra5Sample, superbenchEra5Dataset } from "./era5-superbench.js";
import { openEra5 } from "./era5.js";

const ROOT = join(import.meta.dirname, "../../..");
const ERA5 = join(import.meta.dirname, "../fixtures/era5");

/**
 * Reference values from Debian's python readers: netCDF4-python (auto mask and scale), eccodes,
 * zarr 2.13. Missing values come back as null.
 */
function reference(kind: "netcdf" | "grib" | "zarr", path: string, variable: string, time: number): (number | null)[] {
  const script = `
import sys, json, math
import numpy as np
kind, path, var, t = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if kind == "netcdf":
    import netCDF4
    with netCDF4.Dataset(path) as ds:
        v = np.ma.filled(ds[var][t].astype("f8"), np.nan)
elif kind == "grib":
    import eccodes as ec
    msgs = []
    with open(path, "rb") as f:
        while True:
            h = ec.codes_grib_new_from_file(f)
            if h is None: break
            msgs.append((ec.codes_get(h, "shortName"), ec.codes_get_values(h)))
            ec.codes_release(h)
    v = [m[1] for m in msgs if m[0] == var][t]
else:
    sys.path = [p for p in sys.path if "tools/fixtures" not in p]
    import zarr
    v = zarr.open_group(path, mode="r")[var][t].astype("f8")
print(json.dumps([None if math.isnan(x) else float(x) for x in np.ravel(v)]))
`;
  const run = spawnSync("/usr/bin/python3", ["-c", script, kind, path, variable, String(time)], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as (number | null)[];
}

/** Our Float32 values against float64 references rounded to float32 (the only rounding we add). */
function asComparable(data: Float32Array): (number | null)[] {
  return Array.from(data, (v) => (Number.isNaN(v) ? null : v));
}
const f32 = (values: (number | null)[]) => values.map((v) => (v === null ? null : Math.fround(v)));

describe("ERA5 vocabulary", () => {
  it("maps short, GRIB, long names and paramId to one entry", () => {
    const t2m = findEra5Variable("t2m");
    expect(t2m?.long).toBe("2m_temperature");
    for (const name of ["2t", "2m_temperature", "167", "T2M"]) expect(findEra5Variable(name)).toBe(t2m);
    expect(findEra5Variable("10m_u_component_of_wind")?.short).toBe("u10");
    expect(findEra5Variable("tcwv")?.units).toBe("kg m**-2");
    expect(era5VariablesByStandardName("air_temperature").map((v) => v.short)).toEqual(["t2m", "t"]);
    expect(new Set(ERA5_VARIABLES.map((v) => v.long)).size).toBe(ERA5_VARIABLES.length);
  });
});

describe("ERA5 layouts", () => {
  it("reads the legacy CDS NetCDF (int16 packing, hours since 1900) as netCDF4-python does", async () => {
    const path = join(ERA5, "cds-legacy.packed-int16.nc");
    const src = await openEra5(path);
    expect(src.layout).toBe("cds-netcdf-legacy");
    expect(src.variables.map((v) => v.short)).toEqual(["u10", "v10", "t2m", "tcwv"]);
    expect(src.times).toEqual(["2020-05-28T00:00:00", "2020-05-28T06:00:00"]);
    expect([src.latitude[0], src.latitude[36], src.longitude[0], src.longitude[71]]).toEqual([90, -90, 0, 355]);
    const tcwv = await src.readField("total_column_water_vapour", 0);
    expect(tcwv.shape).toEqual([37, 72]);
    expect(tcwv.units).toBe("kg m**-2");
    const ref = reference("netcdf", path, "tcwv", 0);
    expect(ref[3 * 72 + 4]).toBeNull(); // the masked point
    expect(asComparable(tcwv.data)).toEqual(f32(ref));
    expect(asComparable((await src.readField("t2m", 1)).data)).toEqual(f32(reference("netcdf", path, "t2m", 1)));
    await src.close();
  });

  it("reads the 2024 CDS NetCDF4 layout (valid_time, number, expver)", async () => {
    const path = join(ERA5, "cds-2024.valid_time.nc4");
    const src = await openEra5(path);
    expect(src.layout).toBe("cds-netcdf");
    expect(src.times).toEqual(["2020-05-28T00:00:00", "2020-05-28T06:00:00"]);
    const t2m = await src.readField("2t", 1);
    const ref = reference("netcdf", path, "t2m", 1);
    expect(ref[0]).toBeNull();
    expect(asComparable(t2m.data)).toEqual(f32(ref));
    await src.close();
  });

  for (const name of ["cds.ccsds.grib2", "cds.simple.grib2"]) {
    it(`reads GRIB2 as the CDS delivers it (${name}) as eccodes does`, async () => {
      const path = join(ERA5, name);
      const src = await openEra5(path);
      expect(src.layout).toBe("cds-grib");
      expect(src.variables.map((v) => v.short)).toEqual(["u10", "v10", "t2m", "tcwv"]);
      expect(src.times).toEqual(["2020-05-28T00:00:00", "2020-05-28T06:00:00"]);
      expect(src.latitude[36]).toBe(-90);
      const field = await src.readField("10m_v_component_of_wind", 1);
      expect(asComparable(field.data)).toEqual(f32(reference("grib", path, "10v", 1)));
      await src.close();
    });
  }

  it("reads an analysis-ready Zarr store as zarr-python does", async () => {
    const path = join(ERA5, "arco.zarr");
    const src = await openEra5(path);
    expect(src.layout).toBe("arco-zarr");
    expect(src.times).toEqual(["2020-05-28T00:00:00", "2020-05-28T06:00:00", "2020-05-28T12:00:00"]);
    const field = await src.readField("t2m", 2);
    expect(asComparable(field.data)).toEqual(f32(reference("zarr", path, "2m_temperature", 2)));
    await src.close();
  });
});

describe("ERA5 Zarr over HTTP", () => {
  let server: Server;
  let base = "";
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = decodeURIComponent((req.url ?? "/").split("?")[0] as string);
      seen.push(url);
      const file = normalize(join(ERA5, url));
      try {
        if (!file.startsWith(ERA5) || !statSync(file).isFile()) throw new Error("no");
        res.writeHead(200).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("fetches only the chunks of the requested time step", async () => {
    const src = await openEra5(`${base}/arco.zarr`);
    seen.length = 0;
    const field = await src.readField("2m_temperature", 1);
    expect(asComparable(field.data)).toEqual(f32(reference("zarr", join(ERA5, "arco.zarr"), "2m_temperature", 1)));
    // The store chunks one time step as two halves of the globe: exactly those two chunks are fetched.
    expect(seen.filter((u) => !u.endsWith(".zarray") && !u.endsWith(".zattrs")).sort()).toEqual([
      "/arco.zarr/2m_temperature/1.0.0",
      "/arco.zarr/2m_temperature/1.0.1",
    ]);
    await src.close();
  });
});

describe("SuperBench ERA5 sample", () => {
  it("builds [wind speed, T2m, TCWV] on 720 x 1440 from a 721 x 1440 CDS file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "era5-"));
    const path = join(dir, "era5-721x1440.nc");
    // The full grid, written by netCDF4-python through the fixture module; the reference reads it back.
    const script = `
import sys, json
sys.path.insert(0, sys.argv[2])
import era5, netCDF4, numpy as np
era5.write_legacy_netcdf(sys.argv[1], 721, 1440, 1, missing=False)
with netCDF4.Dataset(sys.argv[1]) as ds:
    u, v, t, w = (ds[n][0].astype("f8")[:720] for n in ["u10", "v10", "t2m", "tcwv"])
speed = np.sqrt(u * u + v * v)
ke = 0.5 * (u * u + v * v)
pts = [(0, 0), (100, 200), (719, 1439), (360, 720)]
print(json.dumps({"means": [float(speed.mean()), float(t.mean()), float(w.mean())],
  "points": [[float(speed[p]), float(t[p]), float(w[p]), float(ke[p])] for p in pts]}))
`;
    const run = spawnSync("/usr/bin/python3", ["-c", script, path, join(ROOT, "tools/fixtures")], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const ref = JSON.parse(run.stdout) as { means: number[]; points: number[][] };
    const src = await openEra5(path);
    const sample = await buildSuperbenchEra5Sample(src, 0);
    expect(sample.shape).toEqual([3, 720, 1440]);
    expect(sample.channels).toEqual(["wind_speed_10m", "t2m", "tcwv"]);
    expect(sample.latitude[0]).toBe(90);
    expect(sample.latitude[719]).toBe(-89.75);
    const plane = 720 * 1440;
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let i = 0; i < plane; i++) sum += sample.data[c * plane + i] as number;
      expect(sum / plane).toBeCloseTo(ref.means[c] as number, 3);
    }
    const points = [
      [0, 0],
      [100, 200],
      [719, 1439],
      [360, 720],
    ];
    points.forEach(([r, col], k) => {
      for (let c = 0; c < 3; c++) {
        const ours = sample.data[c * plane + (r as number) * 1440 + (col as number)] as number;
        expect(ours).toBeCloseTo(ref.points[k]?.[c] as number, 3);
      }
    });
    const ke = await buildSuperbenchEra5Sample(src, 0, { wind: "kinetic_energy" });
    expect(ke.channels[0]).toBe("kinetic_energy_10m");
    expect(ke.data[100 * 1440 + 200]).toBeCloseTo(ref.points[1]?.[3] as number, 2);
    await src.close();
  }, 60_000);

  it("refuses a grid that is not 721 x 1440 unless told otherwise", async () => {
    const src = await openEra5(join(ERA5, "cds-legacy.packed-int16.nc"));
    await expect(buildSuperbenchEra5Sample(src, 0)).rejects.toThrow(
      /needs the 721 x 1440 0.25-degree grid, this file has 37 x 72/,
    );
    const small = await buildSuperbenchEra5Sample(src, 0, { anyGrid: true });
    expect(small.shape).toEqual([3, 36, 72]);
    await src.close();
  });
});

describe("ERA5 / ERA5T mixes", () => {
  it("merges a legacy file's expver dim: each time comes from the expver that holds it", async () => {
    const path = join(ERA5, "cds-legacy.era5t-expver.packed-int16.nc");
    const src = await openEra5(path);
    const script = `
import sys, json, netCDF4, numpy as np
with netCDF4.Dataset(sys.argv[1]) as ds:
    a = np.ma.filled(ds["t2m"][:].astype("f8"), np.nan)
merged = np.where(np.isnan(a[:, 0]), a[:, 1], a[:, 0])
print(json.dumps([[float(x) for x in merged[t].ravel()] for t in range(2)]))
`;
    const run = spawnSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8", maxBuffer: 1 << 24 });
    expect(run.status, run.stderr).toBe(0);
    const ref = JSON.parse(run.stdout) as number[][];
    for (const t of [0, 1]) {
      const field = await src.readField("t2m", t);
      expect(asComparable(field.data)).toEqual(f32(ref[t] as number[]));
    }
    await src.close();
  });
});

describe("SuperBench ERA5 dataset", () => {
  it("streams one [3, H, W] sample per time", async () => {
    const src = await openEra5(join(ERA5, "cds.ccsds.grib2"));
    const dataset = superbenchEra5Dataset(src, { anyGrid: true });
    expect(dataset.length).toBe(2);
    const seen: { index: number; time?: string; shape: readonly number[] }[] = [];
    for await (const sample of dataset.samples()) {
      const field = sample.fields.era5;
      seen.push({
        index: sample.index,
        ...(sample.time === undefined ? {} : { time: sample.time }),
        shape: field?.shape ?? [],
      });
      // Channel 1 row 0 is t2m at 90N (the first GRIB row), unchanged by the builder.
      const t2m = await src.readField("t2m", sample.index);
      expect(field?.data[36 * 72]).toBe(t2m.data[0]);
    }
    expect(seen).toEqual([
      { index: 0, time: "2020-05-28T00:00:00", shape: [3, 36, 72] },
      { index: 1, time: "2020-05-28T06:00:00", shape: [3, 36, 72] },
    ]);
    await src.close();
  });
});
