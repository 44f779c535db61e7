import { FieldbenchError, checkAllocation } from "@fieldbench/core";
import { f32, isAllOnes, s32, u8, u16, u32 } from "./octets.js";

/**
 * Section 3, the grid definition: one descriptor per template (3.0 regular and quasi-regular lat-lon,
 * 3.1 rotated lat-lon, 3.20 polar stereographic, 3.30 Lambert conformal, 3.40 regular and reduced
 * Gaussian, 3.50 spherical harmonics). Keys are named and valued as eccodes reports them, so `inspect`
 * reads like `grib_ls -p`. Octet k of the WMO manual is index k - 1 here.
 */
export interface Grib2Grid {
  /** eccodes' gridType: regular_ll, reduced_ll, rotated_ll, polar_stereographic, lambert, regular_gg, reduced_gg, sh. */
  readonly gridType: string;
  readonly gridDefinitionTemplateNumber: number;
  /** Points along a row and rows; a reduced grid has no Ni (its rows have `pl` points each); sh has neither. */
  readonly Ni?: number;
  readonly Nj?: number;
  readonly latitudeOfFirstGridPointInDegrees?: number;
  readonly longitudeOfFirstGridPointInDegrees?: number;
  readonly latitudeOfLastGridPointInDegrees?: number;
  readonly longitudeOfLastGridPointInDegrees?: number;
  readonly iDirectionIncrementInDegrees?: number;
  readonly jDirectionIncrementInDegrees?: number;
  readonly scanningMode?: number;
  /** Gaussian grids: parallels between a pole and the equator. */
  readonly N?: number;
  /** Quasi-regular (reduced) grids: points in each row, north to south as stored. */
  readonly pl?: readonly number[];
  readonly numberOfDataPoints?: number;
  readonly latitudeOfSouthernPoleInDegrees?: number;
  readonly longitudeOfSouthernPoleInDegrees?: number;
  readonly angleOfRotationInDegrees?: number;
  /** Polar stereographic and Lambert: the projection (LaD: latitude where Dx, Dy hold; LoV: orientation). */
  readonly LaDInDegrees?: number;
  readonly LoVInDegrees?: number;
  readonly Latin1InDegrees?: number;
  readonly Latin2InDegrees?: number;
  readonly DxInMetres?: number;
  readonly DyInMetres?: number;
  readonly projectionCentreFlag?: number;
  readonly shapeOfTheEarth?: number;
  /** Earth radius in metres where the earth is a sphere (code table 3.2), as eccodes' `radius` key. */
  readonly radius?: number;
  /** Spherical harmonics: pentagonal resolution parameters (triangular truncation T = J = K = M). */
  readonly J?: number;
  readonly K?: number;
  readonly M?: number;
}

/** How a field's values are laid out, beyond the `grid` block `inspect` prints. */
export interface Grib2Geometry {
  readonly grid: Grib2Grid;
  /** Shape of one decoded field: [Nj, Ni] for rectangular grids, [points] for reduced grids, [coefficients] for sh. */
  readonly shape: readonly number[];
  /** Values a field holds (grid points, or real numbers of the spectral coefficients). */
  readonly points: number;
}

interface GridTemplate {
  readonly number: number;
  /** Fixed octets the template needs (section length without the optional list of points per row). */
  readonly minLength: number;
  parse(s3: Uint8Array, where: Where): Grib2Geometry;
}

interface Where {
  readonly path: string;
  readonly messageIndex: number;
}

const TEMPLATES: ReadonlyMap<number, GridTemplate> = new Map(
  [
    { number: 0, minLength: 72, parse: parseLatLon },
    { number: 1, minLength: 84, parse: parseLatLon },
    { number: 40, minLength: 72, parse: parseLatLon },
    { number: 20, minLength: 65, parse: parseProjected },
    { number: 30, minLength: 81, parse: parseProjected },
    { number: 50, minLength: 28, parse: parseSpherical },
  ].map((t) => [t.number, t]),
);

function corrupt(where: Where, problem: string): FieldbenchError {
  return new FieldbenchError("CORRUPT_FILE", `${where.path}: GRIB2 message ${where.messageIndex} ${problem}`, {
    path: where.path,
  });
}

export function parseGrid(s3: Uint8Array, path: string, messageIndex: number): Grib2Geometry {
  const where = { path, messageIndex };
  const number = u16(s3, 12);
  const template = TEMPLATES.get(number);
  if (template === undefined) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${path}: message ${messageIndex} uses grid definition template 3.${number}, which fieldbench does not decode (it reads 3.${[...TEMPLATES.keys()].join(", 3.")})`,
      { path },
    );
  }
  if (s3.length < template.minLength) {
    throw corrupt(where, `section 3 is ${s3.length} bytes, shorter than template 3.${number}`);
  }
  return template.parse(s3, where);
}

/** Code table 3.2: radius of the spherical earths; oblate ones (2, 3, 4, 5, 7, 9) give undefined. */
function earthRadius(s3: Uint8Array): number | undefined {
  const shape = u8(s3, 14);
  if (shape === 0) return 6367470;
  if (shape === 6) return 6371229;
  if (shape === 8) return 6371200;
  if (shape === 1) return u32(s3, 16) / 10 ** u8(s3, 15);
  return undefined;
}

/** Octets 11-12 and the list after the template: points in each row of a quasi-regular grid. */
function pointsPerRow(s3: Uint8Array, listStart: number, rows: number, where: Where): number[] | undefined {
  const width = u8(s3, 10);
  if (width === 0) return undefined;
  if (u8(s3, 11) !== 1) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${where.path}: message ${where.messageIndex} lists points per column (interpretation ${u8(s3, 11)}); fieldbench reads points per row only`,
      { path: where.path },
    );
  }
  if (width > 4 || listStart + rows * width > s3.length) {
    throw corrupt(where, `section 3 is too short for a list of ${rows} rows of ${width}-byte point counts`);
  }
  const pl: number[] = [];
  for (let j = 0; j < rows; j++) {
    let v = 0;
    for (let b = 0; b < width; b++) v = v * 256 + u8(s3, listStart + j * width + b);
    pl.push(v);
  }
  return pl;
}

/** Templates 3.0, 3.1 and 3.40 share octets 15-72 (3.40 puts N where 3.0 has the j increment). */
function parseLatLon(s3: Uint8Array, where: Where): Grib2Geometry {
  const number = u16(s3, 12);
  const points = u32(s3, 6);
  const rawNi = u32(s3, 30);
  const Nj = u32(s3, 34);
  const basic = u32(s3, 38);
  const subdivisions = u32(s3, 42);
  const unit =
    basic === 0 || isAllOnes(basic, 4) || subdivisions === 0 || isAllOnes(subdivisions, 4)
      ? 1e-6
      : basic / subdivisions;
  const degrees = (v: number) => roundDegrees(v * unit);
  const la1 = degrees(s32(s3, 46));
  const lo1 = degrees(s32(s3, 50));
  const la2 = degrees(s32(s3, 55));
  const lo2 = degrees(s32(s3, 59));
  const scanningMode = u8(s3, 71);
  const gaussian = number === 40;
  const pl = pointsPerRow(s3, number === 1 ? 84 : 72, Nj, where);
  if (Nj === 0 || isAllOnes(Nj, 4)) throw corrupt(where, `declares ${Nj} rows`);
  checkAllocation(points, 8, `${where.path}: GRIB2 message ${where.messageIndex}`, where.path);
  const common = {
    latitudeOfFirstGridPointInDegrees: la1,
    longitudeOfFirstGridPointInDegrees: lo1,
    latitudeOfLastGridPointInDegrees: la2,
    longitudeOfLastGridPointInDegrees: lo2,
  };
  if (pl !== undefined && number === 1) throw unsupportedReducedRotated(where);
  if (pl !== undefined) {
    const total = pl.reduce((a, b) => a + b, 0);
    if (total !== points)
      throw corrupt(where, `lists ${total} points per row in all but declares ${points} data points`);
    const grid: Grib2Grid = gaussian
      ? {
          gridType: "reduced_gg",
          gridDefinitionTemplateNumber: 40,
          Nj,
          N: u32(s3, 67),
          ...common,
          scanningMode,
          pl,
          numberOfDataPoints: points,
        }
      : {
          gridType: "reduced_ll",
          gridDefinitionTemplateNumber: 0,
          Nj,
          ...common,
          jDirectionIncrementInDegrees: degrees(u32(s3, 67)),
          scanningMode,
          pl,
          numberOfDataPoints: points,
        };
    return { grid, shape: [points], points };
  }
  const Ni = rawNi;
  if (Ni === 0 || isAllOnes(Ni, 4) || Ni * Nj !== points) {
    throw corrupt(where, `declares a ${Nj} x ${Ni} grid but ${points} data points`);
  }
  const rawDi = u32(s3, 63);
  const di = isAllOnes(rawDi, 4) ? roundDegrees(Math.abs(wrap360(lo2 - lo1)) / Math.max(1, Ni - 1)) : degrees(rawDi);
  if (gaussian) {
    const grid: Grib2Grid = {
      gridType: "regular_gg",
      gridDefinitionTemplateNumber: 40,
      Ni,
      Nj,
      N: u32(s3, 67),
      ...common,
      iDirectionIncrementInDegrees: di,
      scanningMode,
    };
    return { grid, shape: [Nj, Ni], points };
  }
  const rawDj = u32(s3, 67);
  const dj = isAllOnes(rawDj, 4) ? roundDegrees(Math.abs(la2 - la1) / Math.max(1, Nj - 1)) : degrees(rawDj);
  const regular: Grib2Grid = {
    gridType: number === 1 ? "rotated_ll" : "regular_ll",
    gridDefinitionTemplateNumber: number,
    Ni,
    Nj,
    ...common,
    iDirectionIncrementInDegrees: di,
    jDirectionIncrementInDegrees: dj,
    scanningMode,
  };
  if (number !== 1) return { grid: regular, shape: [Nj, Ni], points };
  const rotated: Grib2Grid = {
    ...regular,
    latitudeOfSouthernPoleInDegrees: degrees(s32(s3, 72)),
    longitudeOfSouthernPoleInDegrees: degrees(u32(s3, 76)),
    angleOfRotationInDegrees: f32(s3, 80),
  };
  return { grid: rotated, shape: [Nj, Ni], points };
}

function unsupportedReducedRotated(where: Where): FieldbenchError {
  return new FieldbenchError(
    "UNSUPPORTED",
    `${where.path}: message ${where.messageIndex} is a quasi-regular rotated lat-lon grid, which fieldbench does not decode`,
    { path: where.path },
  );
}

/** Templates 3.20 (polar stereographic) and 3.30 (Lambert conformal) share octets 15-65. */
function parseProjected(s3: Uint8Array, where: Where): Grib2Geometry {
  const number = u16(s3, 12);
  const points = u32(s3, 6);
  const Nx = u32(s3, 30);
  const Ny = u32(s3, 34);
  if (Nx === 0 || Ny === 0 || isAllOnes(Nx, 4) || isAllOnes(Ny, 4) || Nx * Ny !== points) {
    throw corrupt(where, `declares a ${Ny} x ${Nx} grid but ${points} data points`);
  }
  checkAllocation(points, 8, `${where.path}: GRIB2 message ${where.messageIndex}`, where.path);
  const micro = (v: number) => roundDegrees(v * 1e-6);
  const radius = earthRadius(s3);
  const grid: Grib2Grid = {
    gridType: number === 20 ? "polar_stereographic" : "lambert",
    gridDefinitionTemplateNumber: number,
    Ni: Nx,
    Nj: Ny,
    latitudeOfFirstGridPointInDegrees: micro(s32(s3, 38)),
    longitudeOfFirstGridPointInDegrees: micro(u32(s3, 42)),
    LaDInDegrees: micro(s32(s3, 47)),
    LoVInDegrees: micro(u32(s3, 51)),
    DxInMetres: u32(s3, 55) / 1000,
    DyInMetres: u32(s3, 59) / 1000,
    projectionCentreFlag: u8(s3, 63),
    scanningMode: u8(s3, 64),
    shapeOfTheEarth: u8(s3, 14),
    ...(radius === undefined ? {} : { radius }),
    ...(number === 30 ? { Latin1InDegrees: micro(s32(s3, 65)), Latin2InDegrees: micro(s32(s3, 69)) } : {}),
  };
  return { grid, shape: [Ny, Nx], points };
}

/** Template 3.50: spherical harmonic coefficients; J, K, M give the truncation. */
function parseSpherical(s3: Uint8Array, where: Where): Grib2Geometry {
  const J = u32(s3, 14);
  const K = u32(s3, 18);
  const M = u32(s3, 22);
  if (!(J === K && K === M)) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${where.path}: message ${where.messageIndex} has a pentagonal truncation J=${J} K=${K} M=${M}; fieldbench reads triangular ones (J = K = M)`,
      { path: where.path },
    );
  }
  if (J > 8000) throw corrupt(where, `declares spectral truncation T${J}`);
  // Triangular truncation T: (T+1)(T+2)/2 complex coefficients, stored as real and imaginary parts.
  const points = (J + 1) * (J + 2);
  const grid: Grib2Grid = { gridType: "sh", gridDefinitionTemplateNumber: 50, J, K, M, numberOfDataPoints: points };
  return { grid, shape: [points], points };
}

function wrap360(d: number): number {
  return ((d % 360) + 360) % 360;
}

/** Micro-degrees to degrees without 0.30000000000000004 tails. */
export function roundDegrees(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
