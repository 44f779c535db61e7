import type { Grib2Grid } from "./message.js";

/**
 * Latitudes of the rows and longitudes of the columns of a regular lat-lon grid, in the order the
 * decoded values use (row 0 = first latitude in the file). Flag table 3.4: bit 0x80 set means i runs
 * westwards, bit 0x40 set means j runs northwards.
 */
export function grib2Coordinates(grid: Grib2Grid): { latitude: Float64Array; longitude: Float64Array } {
  const latitude = new Float64Array(grid.Nj);
  const longitude = new Float64Array(grid.Ni);
  const dj = (grid.scanningMode & 0x40 ? 1 : -1) * grid.jDirectionIncrementInDegrees;
  const di = (grid.scanningMode & 0x80 ? -1 : 1) * grid.iDirectionIncrementInDegrees;
  for (let j = 0; j < grid.Nj; j++) latitude[j] = round(grid.latitudeOfFirstGridPointInDegrees + j * dj);
  for (let i = 0; i < grid.Ni; i++) longitude[i] = round(grid.longitudeOfFirstGridPointInDegrees + i * di);
  return { latitude, longitude };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
