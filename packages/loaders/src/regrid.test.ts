import { spawnSync } from "node:child_process";
import { createRng } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { regridBilinear, regridConservative, regularGrid } from "./regrid.js";

// A CMIP6-like source grid (6 x 12, cell centres) and a 10-degree ERA5-like target (90..-90, 0..350).
const SRC = { lat: [-75, -45, -15, 15, 45, 75], lon: Array.from({ length: 12 }, (_, i) => 15 + 30 * i) };
const DST = regularGrid(19, 36);

function randomField(n: number, seed: string): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => 280 + 10 * rng.normal());
}

describe("regridBilinear", () => {
  it("matches scipy's RegularGridInterpolator on a periodic-extended grid", () => {
    const data = randomField(72, "bilinear");
    // scipy reference: longitudes extended by one wrapped column each side, target latitudes clipped to
    // the source range (fieldbench holds the edge row constant towards the poles).
    const script = `
import json, sys, numpy as np
from scipy.interpolate import RegularGridInterpolator
d = json.loads(sys.stdin.read())
lat = np.array(d["lat"]); lon = np.array(d["lon"]); v = np.array(d["data"]).reshape(len(lat), len(lon))
lonx = np.concatenate([[lon[-1] - 360], lon, [lon[0] + 360]])
vx = np.concatenate([v[:, -1:], v, v[:, :1]], axis=1)
f = RegularGridInterpolator((lat, lonx), vx, method="linear")
tl = np.clip(np.array(d["tlat"]), lat.min(), lat.max())
tlon = np.array(d["tlon"])
pts = np.array([[a, b] for a in tl for b in tlon])
print(json.dumps(f(pts).tolist()))
`;
    const run = spawnSync("/usr/bin/python3", ["-c", script], {
      input: JSON.stringify({
        lat: SRC.lat,
        lon: SRC.lon,
        data: Array.from(data),
        tlat: Array.from(DST.lat),
        tlon: Array.from(DST.lon),
      }),
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const reference = JSON.parse(run.stdout) as number[];
    const ours = regridBilinear(data, SRC, DST);
    expect(ours.length).toBe(19 * 36);
    for (let k = 0; k < reference.length; k++) expect(ours[k]).toBeCloseTo(reference[k] as number, 3);
  });

  it("wraps across the 0/360 meridian", () => {
    // Source columns at 345 and 15 degrees hold 0 and 30: longitude 0 lies halfway, so it gets 15.
    const lon = [15, 345];
    const data = [30, 0, 30, 0];
    const out = regridBilinear(data, { lat: [-10, 10], lon }, { lat: [0], lon: [0, 180] });
    expect(Array.from(out)).toEqual([15, 15]);
  });
});

describe("regridConservative", () => {
  it("averages the covered cells by area (hand-worked)", () => {
    // Source: 2 latitude bands (S, N) x 4 longitude quadrants, values 1..8. Target: the northern half of
    // [0, 180): it covers N-band cells of quadrants 0 and 1 equally -> (5 + 6) / 2 = 5.5.
    const src = {
      lat: [-45, 45],
      lon: [45, 135, 225, 315],
      latBounds: [-90, 0, 0, 90],
      lonBounds: [0, 90, 90, 180, 180, 270, 270, 360],
    };
    const out = regridConservative([1, 2, 3, 4, 5, 6, 7, 8], src, {
      lat: [45],
      lon: [90],
      latBounds: [0, 90],
      lonBounds: [0, 180],
    });
    expect(out[0]).toBeCloseTo(5.5, 6);
  });

  it("preserves the area-weighted global mean and constant fields", () => {
    const data = randomField(72, "conservative");
    const srcWithBounds = {
      ...SRC,
      latBounds: SRC.lat.flatMap((l) => [l - 15, l + 15]),
      lonBounds: SRC.lon.flatMap((l) => [l - 15, l + 15]),
    };
    const out = regridConservative(data, srcWithBounds, DST);
    const mean = (values: ArrayLike<number>, lat: ArrayLike<number>, nlon: number, half: number) => {
      let s = 0;
      let w = 0;
      for (let j = 0; j < lat.length; j++) {
        const a = Math.max(-90, (lat[j] as number) - half);
        const b = Math.min(90, (lat[j] as number) + half);
        const area = Math.sin((b * Math.PI) / 180) - Math.sin((a * Math.PI) / 180);
        for (let i = 0; i < nlon; i++) {
          s += (values[j * nlon + i] as number) * area;
          w += area;
        }
      }
      return s / w;
    };
    expect(mean(out, DST.lat, 36, 5)).toBeCloseTo(mean(data, SRC.lat, 12, 15), 3);
    const constant = regridConservative(new Float64Array(72).fill(3), srcWithBounds, DST);
    for (const v of constant) expect(v).toBeCloseTo(3, 5);
  });
});
