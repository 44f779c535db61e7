import { FieldbenchError } from "@fieldbench/core";
import type { Grib2Grid } from "./grid.js";

/**
 * Latitudes and longitudes of a GRIB2 grid, as eccodes' `latitudes` / `longitudes` keys give them.
 * Regular lat-lon and regular Gaussian grids come back as axes (latitude [Nj], longitude [Ni]); every
 * other grid as one latitude and longitude per value, in the order of the decoded field (2-D [Nj, Ni]
 * for rotated and projected grids, the points row by row for reduced grids). Spherical harmonics have
 * no grid points: transforming them needs a Legendre transform fieldbench does not do.
 */
export interface Grib2Coordinates {
  readonly kind: "axes" | "points";
  readonly latitude: Float64Array;
  readonly longitude: Float64Array;
}

const DEG = Math.PI / 180;

export function grib2Coordinates(grid: Grib2Grid): Grib2Coordinates {
  switch (grid.gridType) {
    case "regular_ll":
      return { kind: "axes", ...regularAxes(grid, regularLatitudes(grid)) };
    case "regular_gg":
      return { kind: "axes", ...regularAxes(grid, gaussianRows(grid, num(grid.Nj)), gaussianIncrement(grid)) };
    case "rotated_ll":
      return { kind: "points", ...rotatedPoints(grid) };
    case "reduced_gg":
      return { kind: "points", ...reducedPoints(grid, gaussianRows(grid, num(grid.pl?.length))) };
    case "reduced_ll":
      return { kind: "points", ...reducedPoints(grid, regularLatitudes(grid)) };
    case "polar_stereographic":
      return { kind: "points", ...projectedPoints(grid, polarStereographic(grid)) };
    case "lambert":
      return { kind: "points", ...projectedPoints(grid, lambertConformal(grid)) };
    default:
      throw new FieldbenchError(
        "UNSUPPORTED",
        grid.gridType === "sh"
          ? `spherical harmonics (T${grid.J}) have no grid points; transforming them to a grid needs a spectral (Legendre) transform, which fieldbench does not do: read the coefficients, or convert with eccodes/MIR first`
          : `grid type ${grid.gridType} has no coordinates in fieldbench`,
      );
  }
}

function num(v: number | undefined): number {
  return v ?? 0;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Flag table 3.4: bit 0x80 set means i runs westwards, bit 0x40 set means j runs northwards. */
function iSign(grid: Grib2Grid): number {
  return num(grid.scanningMode) & 0x80 ? -1 : 1;
}

function jSign(grid: Grib2Grid): number {
  return num(grid.scanningMode) & 0x40 ? 1 : -1;
}

function regularLatitudes(grid: Grib2Grid): Float64Array {
  const rows = num(grid.Nj);
  const out = new Float64Array(rows);
  const dj = jSign(grid) * num(grid.jDirectionIncrementInDegrees);
  for (let j = 0; j < rows; j++) out[j] = round6(num(grid.latitudeOfFirstGridPointInDegrees) + j * dj);
  return out;
}

function regularAxes(
  grid: Grib2Grid,
  latitude: Float64Array,
  increment = num(grid.iDirectionIncrementInDegrees),
): { latitude: Float64Array; longitude: Float64Array } {
  const longitude = new Float64Array(num(grid.Ni));
  const di = iSign(grid) * increment;
  for (let i = 0; i < longitude.length; i++)
    longitude[i] = round6(num(grid.longitudeOfFirstGridPointInDegrees) + i * di);
  return { latitude, longitude };
}

/**
 * Gaussian grids store the increment rounded to a thousandth of a degree (2.813 for 2.8125); eccodes
 * spaces the columns from the first to the last longitude instead, and so does this.
 */
function gaussianIncrement(grid: Grib2Grid): number {
  const columns = num(grid.Ni);
  if (columns < 2) return num(grid.iDirectionIncrementInDegrees);
  const span =
    iSign(grid) * (num(grid.longitudeOfLastGridPointInDegrees) - num(grid.longitudeOfFirstGridPointInDegrees));
  return (((span % 360) + 360) % 360) / (columns - 1);
}

/**
 * The Gaussian latitudes of N (2N roots of the Legendre polynomial P_2N, north to south), found by
 * Newton's method from the usual first guesses; exact to about 1e-14 degrees.
 */
export function gaussianLatitudes(N: number): Float64Array {
  const n = 2 * N;
  const out = new Float64Array(n);
  for (let i = 0; i < N; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    const lat = Math.asin(x) / DEG;
    out[i] = lat;
    out[n - 1 - i] = -lat;
  }
  return out;
}

/** The `rows` Gaussian latitudes from the grid's first latitude on (a sub-area starts inside the list). */
function gaussianRows(grid: Grib2Grid, rows: number): Float64Array {
  const all = gaussianLatitudes(num(grid.N));
  const first = num(grid.latitudeOfFirstGridPointInDegrees);
  let start = 0;
  for (let k = 1; k < all.length; k++) {
    if (Math.abs((all[k] as number) - first) < Math.abs((all[start] as number) - first)) start = k;
  }
  const step = jSign(grid) < 0 ? 1 : -1;
  const out = new Float64Array(rows);
  for (let j = 0; j < rows; j++) {
    const lat = all[start + j * step];
    if (lat === undefined)
      throw new FieldbenchError("CORRUPT_FILE", `a Gaussian grid N${grid.N} has no row ${j} from latitude ${first}`);
    out[j] = lat;
  }
  return out;
}

/**
 * Reduced grids: row j holds pl[j] points. A global row (its last longitude one step short of 360) is
 * spaced 360 / pl[j], as eccodes spaces it; a sub-area row spans first to last longitude.
 */
function reducedPoints(
  grid: Grib2Grid,
  rowLatitudes: Float64Array,
): { latitude: Float64Array; longitude: Float64Array } {
  const pl = grid.pl ?? [];
  const total = pl.reduce((a, b) => a + b, 0);
  const latitude = new Float64Array(total);
  const longitude = new Float64Array(total);
  const lo1 = num(grid.longitudeOfFirstGridPointInDegrees);
  const lo2 = num(grid.longitudeOfLastGridPointInDegrees);
  const maxRow = Math.max(1, ...pl);
  const span = (((lo2 - lo1) % 360) + 360) % 360;
  const global = Math.abs(span + 360 / maxRow - 360) < 360 / maxRow / 2;
  let k = 0;
  pl.forEach((count, j) => {
    const step = global ? 360 / count : count > 1 ? span / (count - 1) : 0;
    for (let i = 0; i < count; i++, k++) {
      latitude[k] = rowLatitudes[j] as number;
      longitude[k] = lo1 + i * step;
    }
  });
  return { latitude, longitude };
}

/**
 * Rotated lat-lon: positions in the rotated frame are regular; each is rotated back to geographic
 * coordinates about the south pole of the rotation (eccodes' unrotate: the pole moves from (-90, 0) to
 * (latitudeOfSouthernPole, longitudeOfSouthernPole), then the angle of rotation turns the frame).
 */
function rotatedPoints(grid: Grib2Grid): { latitude: Float64Array; longitude: Float64Array } {
  const { latitude: rows, longitude: cols } = regularAxes(grid, regularLatitudes(grid));
  const n = rows.length * cols.length;
  const latitude = new Float64Array(n);
  const longitude = new Float64Array(n);
  const theta = -(90 + num(grid.latitudeOfSouthernPoleInDegrees)) * DEG;
  const phi = -num(grid.longitudeOfSouthernPoleInDegrees) * DEG;
  const [sinT, cosT, sinP, cosP] = [Math.sin(theta), Math.cos(theta), Math.sin(phi), Math.cos(phi)];
  const angle = num(grid.angleOfRotationInDegrees);
  let k = 0;
  for (const lat of rows) {
    for (const lonRotated of cols) {
      const lon = (lonRotated + angle) * DEG;
      const x0 = Math.cos(lon) * Math.cos(lat * DEG);
      const y0 = Math.sin(lon) * Math.cos(lat * DEG);
      const z0 = Math.sin(lat * DEG);
      const x = cosT * cosP * x0 + sinP * y0 + sinT * cosP * z0;
      const y = -cosT * sinP * x0 + cosP * y0 - sinT * sinP * z0;
      const z = -sinT * x0 + cosT * z0;
      latitude[k] = roundfMicro(Math.asin(Math.max(-1, Math.min(1, z))) / DEG);
      longitude[k] = roundfMicro(Math.atan2(y, x) / DEG);
      k++;
    }
  }
  return { latitude, longitude };
}

/**
 * eccodes rounds the unrotated angles to 1e-6 degrees through C's single-precision roundf ("still get a
 * very small rounding error"), which moves them by up to 2e-6 degrees. Done the same way, the points agree.
 */
function roundfMicro(degrees: number): number {
  const scaled = Math.fround(degrees * 1e6);
  return (Math.sign(scaled) * Math.round(Math.abs(scaled))) / 1e6;
}

/** A spherical map projection: forward to metres and back, about the grid's orientation longitude. */
interface Projection {
  forward(latDeg: number, lonDeg: number): [number, number];
  inverse(x: number, y: number): [number, number];
}

function sphereRadius(grid: Grib2Grid): number {
  if (grid.radius === undefined) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${grid.gridType} grid on an oblate earth (shapeOfTheEarth ${grid.shapeOfTheEarth}): fieldbench computes projected coordinates on a sphere only`,
    );
  }
  return grid.radius;
}

function wrapLongitude(deg: number): number {
  return ((deg % 360) + 360) % 360;
}

/** Polar stereographic on a sphere, true at LaD (Snyder, Map Projections, eqs. 21-1 to 21-9). */
function polarStereographic(grid: Grib2Grid): Projection {
  const R = sphereRadius(grid);
  const south = (num(grid.projectionCentreFlag) & 0x80) !== 0;
  const sign = south ? -1 : 1;
  const latTrue = sign * num(grid.LaDInDegrees) * DEG;
  const k = R * (1 + Math.sin(latTrue));
  const lon0 = num(grid.LoVInDegrees);
  return {
    forward(latDeg, lonDeg) {
      const lat = sign * latDeg * DEG;
      const rho = (k * Math.cos(lat)) / (1 + Math.sin(lat));
      const dl = (lonDeg - lon0) * DEG;
      return [rho * Math.sin(dl), -sign * rho * Math.cos(dl)];
    },
    inverse(x, y) {
      const rho = Math.hypot(x, y);
      const lat = Math.PI / 2 - 2 * Math.atan(rho / k);
      const lon = lon0 + Math.atan2(x, -sign * y) / DEG;
      return [(sign * lat) / DEG, wrapLongitude(lon)];
    },
  };
}

/** Lambert conformal conic on a sphere, secant at Latin1 and Latin2 (Snyder eqs. 15-1 to 15-11). */
function lambertConformal(grid: Grib2Grid): Projection {
  const R = sphereRadius(grid);
  const lat1 = num(grid.Latin1InDegrees) * DEG;
  const lat2 = num(grid.Latin2InDegrees) * DEG;
  const lat0 = num(grid.LaDInDegrees) * DEG;
  const lon0 = num(grid.LoVInDegrees);
  const t = (lat: number) => Math.tan(Math.PI / 4 + lat / 2);
  const n =
    Math.abs(lat1 - lat2) < 1e-12
      ? Math.sin(lat1)
      : Math.log(Math.cos(lat1) / Math.cos(lat2)) / Math.log(t(lat2) / t(lat1));
  const F = (Math.cos(lat1) * t(lat1) ** n) / n;
  const rho0 = (R * F) / t(lat0) ** n;
  return {
    forward(latDeg, lonDeg) {
      const rho = (R * F) / t(latDeg * DEG) ** n;
      let dl = lonDeg - lon0;
      dl = ((((dl + 180) % 360) + 360) % 360) - 180;
      const theta = n * dl * DEG;
      return [rho * Math.sin(theta), rho0 - rho * Math.cos(theta)];
    },
    inverse(x, y) {
      const s = Math.sign(n);
      const rho = s * Math.hypot(x, rho0 - y);
      const theta = Math.atan2(s * x, s * (rho0 - y));
      const lat = 2 * Math.atan(((R * F) / rho) ** (1 / n)) - Math.PI / 2;
      return [lat / DEG, wrapLongitude(lon0 + theta / n / DEG)];
    },
  };
}

/**
 * Projected grids: the first point is projected, the others lie Dx metres apart along a row and Dy metres
 * apart between rows, in +x and +y whatever the scanning-mode flags say: eccodes 2.28 places the points
 * so (its polar stereographic and Lambert iterators ignore iScansNegatively and jScansPositively), and
 * real files (NCEP's, DWD's) scan +x, +y.
 */
function projectedPoints(grid: Grib2Grid, projection: Projection): { latitude: Float64Array; longitude: Float64Array } {
  const [x0, y0] = projection.forward(
    num(grid.latitudeOfFirstGridPointInDegrees),
    num(grid.longitudeOfFirstGridPointInDegrees),
  );
  const nx = num(grid.Ni);
  const ny = num(grid.Nj);
  const dx = num(grid.DxInMetres);
  const dy = num(grid.DyInMetres);
  const latitude = new Float64Array(nx * ny);
  const longitude = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [lat, lon] = projection.inverse(x0 + i * dx, y0 + j * dy);
      latitude[j * nx + i] = lat;
      longitude[j * nx + i] = lon;
    }
  }
  return { latitude, longitude };
}
