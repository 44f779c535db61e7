import { FieldbenchError } from "@fieldbench/core";
import { grib2Coordinates } from "./coords.js";
import type { Grib2Grid } from "./grid.js";

/** A reduced field spread onto the regular grid of the same rows. */
export interface RegularField {
  readonly values: Float64Array;
  /** [rows, columns]: 2N x 4N for a reduced Gaussian grid N, rows x max(pl) for a reduced lat-lon grid. */
  readonly shape: readonly [number, number];
  readonly latitude: Float64Array;
  readonly longitude: Float64Array;
}

/**
 * Interpolates a global reduced (quasi-regular) field to the regular grid with the same rows, linearly in
 * longitude along each row and periodic across 0/360: what `cdo setgridtype,regular` does with ERA5/IFS
 * native fields, and what users of the reduced N grid expect before they compute on rows and columns.
 * A reduced Gaussian N grid goes to the regular Gaussian grid (4N columns); a reduced lat-lon grid to its
 * widest row. A missing (NaN) neighbour makes the interpolated point missing.
 */
export function reducedToRegular(values: ArrayLike<number>, grid: Grib2Grid): RegularField {
  const pl = grid.pl;
  if ((grid.gridType !== "reduced_gg" && grid.gridType !== "reduced_ll") || pl === undefined) {
    throw new FieldbenchError("INVALID_VALUE", `reducedToRegular needs a reduced grid, not ${grid.gridType}`);
  }
  const total = pl.reduce((a, b) => a + b, 0);
  if (values.length !== total) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `reducedToRegular: ${values.length} values for a grid of ${total} points`,
    );
  }
  const span =
    ((((grid.longitudeOfLastGridPointInDegrees ?? 0) - (grid.longitudeOfFirstGridPointInDegrees ?? 0)) % 360) + 360) %
    360;
  const widest = Math.max(...pl);
  if (Math.abs(span + 360 / widest - 360) >= 360 / widest / 2 || (grid.longitudeOfFirstGridPointInDegrees ?? 0) !== 0) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `reducedToRegular interpolates global grids starting at longitude 0; this one spans ${grid.longitudeOfFirstGridPointInDegrees} to ${grid.longitudeOfLastGridPointInDegrees}`,
    );
  }
  const columns = grid.gridType === "reduced_gg" ? 4 * (grid.N ?? 0) : widest;
  const rows = pl.length;
  const out = new Float64Array(rows * columns);
  let rowStart = 0;
  pl.forEach((count, j) => {
    for (let i = 0; i < columns; i++) {
      // Target longitude i * 360 / columns sits at fractional index p of a row spaced 360 / count.
      const p = (i * count) / columns;
      const i0 = Math.floor(p);
      const f = p - i0;
      const a = values[rowStart + (i0 % count)] as number;
      const b = values[rowStart + ((i0 + 1) % count)] as number;
      out[j * columns + i] = f === 0 ? a : (1 - f) * a + f * b;
    }
    rowStart += count;
  });
  const coords = grib2Coordinates(grid);
  const latitude = new Float64Array(rows);
  let k = 0;
  pl.forEach((count, j) => {
    latitude[j] = coords.latitude[k] as number;
    k += count;
  });
  const longitude = Float64Array.from({ length: columns }, (_, i) => (i * 360) / columns);
  return { values: out, shape: [rows, columns], latitude, longitude };
}
