import { type Field, FieldbenchError, makeField } from "@fieldbench/core";

/**
 * Regridding between regular latitude/longitude grids (a CMIP6 field onto the ERA5 grid, say).
 * Fields are row-major [lat, lon]; latitudes may run either way, longitudes are periodic (any start).
 */
export interface LatLonGrid {
  readonly lat: ArrayLike<number>;
  readonly lon: ArrayLike<number>;
  /** Cell edges as [n, 2] pairs (CF bounds); derived from midpoints between centres when absent. */
  readonly latBounds?: ArrayLike<number>;
  readonly lonBounds?: ArrayLike<number>;
}

/** A regular global grid: nlat rows from `firstLat` (90 for ERA5) by `step`, nlon columns from 0. */
export function regularGrid(nlat: number, nlon: number, firstLat = 90, latStep = -180 / (nlat - 1)): LatLonGrid {
  const lat = Float64Array.from({ length: nlat }, (_, j) => firstLat + j * latStep);
  const lon = Float64Array.from({ length: nlon }, (_, i) => (i * 360) / nlon);
  return { lat, lon };
}

function checkField(data: ArrayLike<number>, grid: LatLonGrid, what: string): void {
  if (data.length !== grid.lat.length * grid.lon.length) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `${what}: ${data.length} values for a ${grid.lat.length} x ${grid.lon.length} grid`,
    );
  }
  if (grid.lat.length < 2 || grid.lon.length < 2)
    throw new FieldbenchError("INVALID_VALUE", `${what}: a grid needs at least 2 latitudes and 2 longitudes`);
}

const wrap = (x: number) => ((x % 360) + 360) % 360;

/** For a target coordinate, the two neighbouring source indices and the weight of the second. */
interface Neighbours {
  i0: Int32Array;
  i1: Int32Array;
  w: Float64Array;
}

function lonNeighbours(src: ArrayLike<number>, dst: ArrayLike<number>): Neighbours {
  // Sort source longitudes on [0, 360) and close the circle with the first one + 360.
  const order = Array.from({ length: src.length }, (_, i) => i).sort(
    (a, b) => wrap(src[a] as number) - wrap(src[b] as number),
  );
  const sorted = order.map((i) => wrap(src[i] as number));
  const n = sorted.length;
  const out: Neighbours = {
    i0: new Int32Array(dst.length),
    i1: new Int32Array(dst.length),
    w: new Float64Array(dst.length),
  };
  for (let k = 0; k < dst.length; k++) {
    let x = wrap(dst[k] as number);
    if (x < (sorted[0] as number)) x += 360;
    // Largest j with sorted[j] <= x (x lies in [sorted[0], sorted[0] + 360)).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((sorted[mid] as number) <= x) lo = mid;
      else hi = mid - 1;
    }
    const a = sorted[lo] as number;
    const b = lo + 1 < n ? (sorted[lo + 1] as number) : (sorted[0] as number) + 360;
    out.i0[k] = order[lo] as number;
    out.i1[k] = order[(lo + 1) % n] as number;
    out.w[k] = b === a ? 0 : (x - a) / (b - a);
  }
  return out;
}

function latNeighbours(src: ArrayLike<number>, dst: ArrayLike<number>): Neighbours {
  const order = Array.from({ length: src.length }, (_, i) => i).sort((a, b) => (src[a] as number) - (src[b] as number));
  const sorted = order.map((i) => src[i] as number);
  const n = sorted.length;
  const out: Neighbours = {
    i0: new Int32Array(dst.length),
    i1: new Int32Array(dst.length),
    w: new Float64Array(dst.length),
  };
  for (let k = 0; k < dst.length; k++) {
    const y = dst[k] as number;
    // Beyond the outermost source rows (towards the poles) the edge row is held constant.
    if (y <= (sorted[0] as number)) {
      out.i0[k] = out.i1[k] = order[0] as number;
      continue;
    }
    if (y >= (sorted[n - 1] as number)) {
      out.i0[k] = out.i1[k] = order[n - 1] as number;
      continue;
    }
    let lo = 0;
    let hi = n - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((sorted[mid] as number) <= y) lo = mid;
      else hi = mid - 1;
    }
    out.i0[k] = order[lo] as number;
    out.i1[k] = order[lo + 1] as number;
    out.w[k] = (y - (sorted[lo] as number)) / ((sorted[lo + 1] as number) - (sorted[lo] as number));
  }
  return out;
}

/**
 * Bilinear interpolation in (lat, lon) degrees, periodic in longitude; target latitudes poleward of the
 * outermost source row take that row's values. A target touching a NaN source value is NaN.
 */
export function regridBilinear(data: ArrayLike<number>, src: LatLonGrid, dst: LatLonGrid): Float32Array {
  checkField(data, src, "regrid source");
  const nx = src.lon.length;
  const ys = latNeighbours(src.lat, dst.lat);
  const xs = lonNeighbours(src.lon, dst.lon);
  const out = new Float32Array(dst.lat.length * dst.lon.length);
  for (let j = 0; j < dst.lat.length; j++) {
    const r0 = (ys.i0[j] as number) * nx;
    const r1 = (ys.i1[j] as number) * nx;
    const wy = ys.w[j] as number;
    for (let i = 0; i < dst.lon.length; i++) {
      const c0 = xs.i0[i] as number;
      const c1 = xs.i1[i] as number;
      const wx = xs.w[i] as number;
      const top = (data[r0 + c0] as number) * (1 - wx) + (data[r0 + c1] as number) * wx;
      const bottom = (data[r1 + c0] as number) * (1 - wx) + (data[r1 + c1] as number) * wx;
      out[j * dst.lon.length + i] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** Edges of cells around centres: given bounds, or midpoints (latitudes clamped to +-90). */
function edges(centres: ArrayLike<number>, bounds: ArrayLike<number> | undefined, isLat: boolean): [number, number][] {
  const n = centres.length;
  if (bounds !== undefined && bounds.length === 2 * n) {
    return Array.from({ length: n }, (_, k) => {
      const a = bounds[2 * k] as number;
      const b = bounds[2 * k + 1] as number;
      return a <= b ? [a, b] : [b, a];
    });
  }
  const c = (k: number) => centres[k] as number;
  return Array.from({ length: n }, (_, k) => {
    const prev = k > 0 ? (c(k - 1) + c(k)) / 2 : c(k) - (c(1) - c(0)) / 2;
    const next = k < n - 1 ? (c(k) + c(k + 1)) / 2 : c(k) + (c(n - 1) - c(n - 2)) / 2;
    let [a, b] = prev <= next ? [prev, next] : [next, prev];
    if (isLat) {
      a = Math.max(-90, a);
      b = Math.min(90, b);
    }
    return [a, b];
  });
}

/** Sparse overlap weights: for each target cell, the source cells it covers and by how much. */
function overlaps(
  dst: [number, number][],
  src: [number, number][],
  measure: (a: number, b: number) => number,
  periodic: boolean,
) {
  return dst.map(([a, b]) => {
    const list: [number, number][] = [];
    src.forEach(([c, d], k) => {
      let total = 0;
      for (const shift of periodic ? [-360, 0, 360] : [0]) {
        const lo = Math.max(a, c + shift);
        const hi = Math.min(b, d + shift);
        if (hi > lo) total += measure(lo, hi);
      }
      if (total > 0) list.push([k, total]);
    });
    return list;
  });
}

/**
 * First-order conservative remapping: each target cell is the area-weighted mean of the source cells it
 * overlaps (cell area on the sphere is proportional to d(sin lat) * d(lon)), so area-weighted global
 * means are preserved. NaN source cells are left out of the mean; a cell with no valid overlap is NaN.
 */
export function regridConservative(data: ArrayLike<number>, src: LatLonGrid, dst: LatLonGrid): Float32Array {
  checkField(data, src, "regrid source");
  const rad = Math.PI / 180;
  const latW = overlaps(
    edges(dst.lat, dst.latBounds, true),
    edges(src.lat, src.latBounds, true),
    (lo, hi) => Math.sin(hi * rad) - Math.sin(lo * rad),
    false,
  );
  const lonW = overlaps(
    edges(dst.lon, dst.lonBounds, false),
    edges(src.lon, src.lonBounds, false),
    (lo, hi) => hi - lo,
    true,
  );
  const nx = src.lon.length;
  const out = new Float32Array(dst.lat.length * dst.lon.length);
  for (let j = 0; j < dst.lat.length; j++) {
    for (let i = 0; i < dst.lon.length; i++) {
      let sum = 0;
      let weight = 0;
      for (const [sj, wy] of latW[j] as [number, number][]) {
        for (const [si, wx] of lonW[i] as [number, number][]) {
          const v = data[sj * nx + si] as number;
          if (Number.isNaN(v)) continue;
          sum += v * wy * wx;
          weight += wy * wx;
        }
      }
      out[j * dst.lon.length + i] = weight > 0 ? sum / weight : Number.NaN;
    }
  }
  return out;
}

export type RegridMethod = "bilinear" | "conservative";

/**
 * Regrids a [lat, lon] Field onto `dst`, returning a Field with the target coordinates. The source grid
 * comes from the field's coords (`lat`/`latitude`, `lon`/`longitude`); pass CF bounds for conservative
 * remapping when the file has them (CMIP6 lat_bnds/lon_bnds).
 */
export function regridField(
  field: Field,
  dst: LatLonGrid,
  method: RegridMethod = "bilinear",
  bounds: { latBounds?: ArrayLike<number>; lonBounds?: ArrayLike<number> } = {},
): Field {
  const coord = (names: string[]) => names.map((n) => field.coords?.[n]).find((c) => c !== undefined);
  const lat = coord(["lat", "latitude"]);
  const lon = coord(["lon", "longitude"]);
  if (
    field.shape.length !== 2 ||
    lat === undefined ||
    lon === undefined ||
    typeof lat[0] === "string" ||
    typeof lon[0] === "string"
  ) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `field ${field.name}: regridding needs a [lat, lon] field with numeric lat/lon coordinates`,
    );
  }
  const src: LatLonGrid = { lat: lat as ArrayLike<number>, lon: lon as ArrayLike<number>, ...bounds };
  const data = method === "bilinear" ? regridBilinear(field.data, src, dst) : regridConservative(field.data, src, dst);
  return makeField({
    name: field.name,
    data,
    shape: [dst.lat.length, dst.lon.length],
    dims: ["latitude", "longitude"],
    coords: { latitude: Float64Array.from(dst.lat), longitude: Float64Array.from(dst.lon) },
    attrs: { ...field.attrs, regrid_method: method },
  });
}
