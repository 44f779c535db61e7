import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFile } from "../open.js";
import type { OpenFile } from "../types.js";
import { python } from "./eccodes-reference.test-helper.js";
import { type Grib2Grid, grib2Coordinates, reducedToRegular } from "./index.js";

// grids.templates.grib2 is written by tools/fixtures/grib2.py from eccodes' own sample files; every
// expected number below is read back from it by eccodes (python3-eccodes) in this run.
const FIXTURE = join(import.meta.dirname, "..", "..", "fixtures", "grids.templates.grib2");

interface Reference {
  gridType: string;
  shortName: string;
  numberOfDataPoints: number;
  values: number[];
  latitudes?: number[];
  longitudes?: number[];
  pl?: number[];
  J?: number;
  N?: number;
  regular?: number[];
}

const SCRIPT = `
import sys, json
import numpy as np
import eccodes as ec
out = []
with open(sys.argv[1], "rb") as f:
    while True:
        h = ec.codes_grib_new_from_file(f)
        if h is None: break
        m = {k: ec.codes_get(h, k) for k in ["gridType", "shortName", "numberOfDataPoints"]}
        values = ec.codes_get_values(h)
        m["values"] = [float(v) for v in values]
        if m["gridType"] == "sh":
            m["J"] = ec.codes_get(h, "J")
        else:
            m["latitudes"] = [float(v) for v in ec.codes_get_array(h, "latitudes")]
            m["longitudes"] = [float(v) for v in ec.codes_get_array(h, "longitudes")]
        if m["gridType"] in ("reduced_gg", "reduced_ll"):
            pl = [int(v) for v in ec.codes_get_array(h, "pl")]
            m["pl"] = pl
            # The regular grid of the same rows, by numpy's periodic linear interpolation per row.
            cols = 4 * ec.codes_get(h, "N") if m["gridType"] == "reduced_gg" else max(pl)
            target = np.arange(cols) * 360.0 / cols
            rows, start = [], 0
            for count in pl:
                row = values[start:start + count]
                rows.append(np.interp(target, np.arange(count) * 360.0 / count, row, period=360))
                start += count
            m["regular"] = [float(v) for v in np.concatenate(rows)]
        out.append(m)
        ec.codes_release(h)
json.dump(out, sys.stdout)
`;

let refs: Reference[];
let file: OpenFile;

beforeAll(async () => {
  refs = JSON.parse(python(SCRIPT, [FIXTURE])) as Reference[];
  file = await openFile(FIXTURE);
});
afterAll(() => file.close());

interface Summary {
  shortName: string;
  grid: Grib2Grid;
}

function messages(): Summary[] {
  return (file.extra as { grib2: { messages: Summary[] } }).grib2.messages;
}

function gridOf(index: number): Grib2Grid {
  return (messages()[index] as Summary).grid;
}

/** Largest difference in degrees, longitudes compared on the circle. */
function maxAngleError(ours: ArrayLike<number>, theirs: readonly number[], circular: boolean): number {
  let worst = 0;
  for (let k = 0; k < theirs.length; k++) {
    let d = Math.abs((ours[k] as number) - (theirs[k] as number));
    if (circular) d = Math.min(d % 360, 360 - (d % 360));
    worst = Math.max(worst, d);
  }
  return worst;
}

const worst = new Map<string, number>();
afterAll(() => {
  if (process.env.FIELDBENCH_GRID_ERRORS) console.error(Object.fromEntries(worst));
});

describe("GRIB2 grid templates against eccodes", () => {
  it("holds one message per template, as eccodes names the grids", () => {
    expect(refs.map((r) => r.gridType)).toEqual([
      "rotated_ll",
      "polar_stereographic",
      "lambert",
      "regular_gg",
      "reduced_gg",
      "reduced_ll",
      "sh",
      "regular_ll",
    ]);
    refs.forEach((ref, i) => {
      expect(gridOf(i).gridType).toBe(ref.gridType);
    });
  });

  it("decodes every field to eccodes' values, exactly", async () => {
    for (const [i, ref] of refs.entries()) {
      const raw = await file.read(`#${i}`);
      expect(Array.from(raw.data as Float64Array), `#${i} ${ref.gridType}`).toEqual(ref.values);
    }
  });

  it("gives every grid point eccodes' latitude and longitude (within 1e-9 degrees)", () => {
    for (const [i, ref] of refs.entries()) {
      if (ref.latitudes === undefined || ref.longitudes === undefined) continue;
      const grid = gridOf(i);
      const coords = grib2Coordinates(grid);
      let lat: ArrayLike<number> = coords.latitude;
      let lon: ArrayLike<number> = coords.longitude;
      if (coords.kind === "axes") {
        // Axes expand to one latitude and longitude per point, row by row, as eccodes lists them.
        const [rows, cols] = [coords.latitude.length, coords.longitude.length];
        lat = Array.from({ length: rows * cols }, (_, k) => coords.latitude[Math.floor(k / cols)] as number);
        lon = Array.from({ length: rows * cols }, (_, k) => coords.longitude[k % cols] as number);
      }
      expect(lat.length, ref.gridType).toBe(ref.numberOfDataPoints);
      expect(maxAngleError(lat, ref.latitudes, false), `${ref.gridType} latitudes`).toBeLessThan(1e-9);
      expect(maxAngleError(lon, ref.longitudes, true), `${ref.gridType} longitudes`).toBeLessThan(1e-9);
      worst.set(
        ref.gridType,
        Math.max(maxAngleError(lat, ref.latitudes, false), maxAngleError(lon, ref.longitudes, true)),
      );
    }
  });

  it("lays out non-regular grids as cfgrib does, with their 2-D or per-point latitude/longitude variables", async () => {
    const byName = new Map(file.variables.map((v) => [v.name, v]));
    expect(byName.get("#0")?.dims).toEqual(["y", "x"]); // rotated: 9 rows of 12
    expect(byName.get("#0")?.shape).toEqual([9, 12]);
    expect(byName.get("#2")?.shape).toEqual([10, 12]); // Lambert
    expect(byName.get("#3")?.dims.map((d) => d.replace(/_\d+$/, ""))).toEqual(["latitude", "longitude"]);
    expect(byName.get("#4")?.shape).toEqual([6114]); // reduced N32: the points, rows kept in pl
    expect(gridOf(4).pl).toEqual(refs[4]?.pl);
    const lambertDims = byName.get("#2")?.dims as string[];
    const latName = lambertDims[0]?.replace("y", "latitude") as string;
    const lat = await file.read(latName);
    expect(lat.shape).toEqual([10, 12]);
    expect(maxAngleError(lat.data as Float64Array, refs[2]?.latitudes ?? [], false)).toBeLessThan(1e-6);
  });

  it("interpolates the reduced Gaussian and reduced lat-lon fields to regular rows as numpy's periodic interp does", async () => {
    for (const i of [4, 5]) {
      const ref = refs[i] as Reference;
      const raw = await file.read(`#${i}`);
      const regular = reducedToRegular(raw.data as Float64Array, gridOf(i));
      const cols = i === 4 ? 128 : 12;
      expect(regular.shape).toEqual([ref.pl?.length, cols]);
      const worst = Math.max(...Array.from(regular.values, (v, k) => Math.abs(v - (ref.regular?.[k] as number))));
      expect(worst).toBeLessThan(1e-9);
    }
  });

  it("shows the truncation and coefficients of spherical harmonics, and refuses a grid for them with the reason", async () => {
    const grid = gridOf(6);
    expect([grid.J, grid.K, grid.M]).toEqual([21, 21, 21]);
    const info = file.variables.find((v) => v.name === "#6");
    expect(info?.shape).toEqual([(21 + 1) * (21 + 2)]);
    expect(info?.dims.map((d) => d.replace(/_\d+$/, ""))).toEqual(["coefficients"]);
    let caught: unknown;
    try {
      grib2Coordinates(grid);
    } catch (err) {
      caught = err;
    }
    expect(isFieldbenchError(caught, "UNSUPPORTED")).toBe(true);
    expect((caught as Error).message).toMatch(/spherical harmonics \(T21\).*Legendre/);
  });

  it("names NCEP's local parameters from its local table, as eccodes does for centre 7", () => {
    expect(messages()[7]?.shortName).toBe(refs[7]?.shortName);
    expect(refs[7]?.shortName).toBe("soilw");
  });
});
