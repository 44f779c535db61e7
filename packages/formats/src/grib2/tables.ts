import { NCEP_PARAMETERS } from "./tables-ncep.js";

/**
 * Parameter names as eccodes prints them for ERA5 and the common ECMWF fields, keyed by
 * discipline/category/number and, where eccodes needs them, the fixed-surface types and level.
 * Each row was checked against eccodes 2.28 (`codes_get(h, "shortName")`; see tools/fixtures/grib2.py).
 */
export interface ParameterName {
  readonly shortName: string;
  readonly name: string;
  readonly units: string;
}

interface ParameterRow extends ParameterName {
  readonly discipline: number;
  readonly category: number;
  readonly number: number;
  /** Required type of first fixed surface (and its value in the surface's units), if any. */
  readonly surface?: number;
  readonly level?: number;
  readonly secondSurface?: number;
}

const ROWS: readonly ParameterRow[] = [
  {
    discipline: 0,
    category: 1,
    number: 193,
    surface: 1,
    shortName: "tp",
    name: "Total precipitation",
    units: "m",
  },
  {
    discipline: 0,
    category: 0,
    number: 0,
    surface: 103,
    level: 2,
    shortName: "2t",
    name: "2 metre temperature",
    units: "K",
  },
  {
    discipline: 0,
    category: 0,
    number: 6,
    surface: 103,
    level: 2,
    shortName: "2d",
    name: "2 metre dewpoint temperature",
    units: "K",
  },
  {
    discipline: 0,
    category: 2,
    number: 2,
    surface: 103,
    level: 10,
    shortName: "10u",
    name: "10 metre U wind component",
    units: "m s**-1",
  },
  {
    discipline: 0,
    category: 2,
    number: 3,
    surface: 103,
    level: 10,
    shortName: "10v",
    name: "10 metre V wind component",
    units: "m s**-1",
  },
  {
    discipline: 0,
    category: 2,
    number: 1,
    surface: 103,
    level: 10,
    shortName: "10si",
    name: "10 metre wind speed",
    units: "m s**-1",
  },
  {
    discipline: 0,
    category: 2,
    number: 22,
    surface: 103,
    level: 10,
    shortName: "i10fg",
    name: "Instantaneous 10 metre wind gust",
    units: "m s**-1",
  },
  {
    discipline: 0,
    category: 3,
    number: 0,
    surface: 101,
    shortName: "msl",
    name: "Mean sea level pressure",
    units: "Pa",
  },
  { discipline: 0, category: 3, number: 0, surface: 1, shortName: "sp", name: "Surface pressure", units: "Pa" },
  {
    discipline: 0,
    category: 1,
    number: 64,
    surface: 1,
    secondSurface: 8,
    shortName: "tcwv",
    name: "Total column vertically-integrated water vapour",
    units: "kg m**-2",
  },
  {
    discipline: 0,
    category: 6,
    number: 1,
    surface: 1,
    secondSurface: 8,
    shortName: "tcc",
    name: "Total Cloud Cover",
    units: "%",
  },
  { discipline: 0, category: 0, number: 17, surface: 1, shortName: "skt", name: "Skin temperature", units: "K" },
  { discipline: 0, category: 1, number: 11, surface: 1, shortName: "sde", name: "Snow depth", units: "m" },
  { discipline: 0, category: 19, number: 0, surface: 1, shortName: "vis", name: "Visibility", units: "m" },
  { discipline: 2, category: 0, number: 0, surface: 1, shortName: "lsm", name: "Land-sea mask", units: "(0 - 1)" },
  { discipline: 10, category: 3, number: 0, surface: 1, shortName: "sst", name: "Sea surface temperature", units: "K" },
  { discipline: 0, category: 0, number: 0, shortName: "t", name: "Temperature", units: "K" },
  { discipline: 0, category: 2, number: 2, shortName: "u", name: "U component of wind", units: "m s**-1" },
  { discipline: 0, category: 2, number: 3, shortName: "v", name: "V component of wind", units: "m s**-1" },
  { discipline: 0, category: 2, number: 8, shortName: "w", name: "Vertical velocity", units: "Pa s**-1" },
  { discipline: 0, category: 3, number: 4, shortName: "z", name: "Geopotential", units: "m**2 s**-2" },
  { discipline: 0, category: 3, number: 5, shortName: "gh", name: "Geopotential height", units: "gpm" },
  { discipline: 0, category: 1, number: 0, shortName: "q", name: "Specific humidity", units: "kg kg**-1" },
  { discipline: 0, category: 1, number: 1, shortName: "r", name: "Relative humidity", units: "%" },
];

/**
 * eccodes' `cfVarName` where it differs from `shortName` (a name may not start with a digit): the name cfgrib, and
 * so xarray, gives the variable. Checked with eccodes 2.28 (`codes_set(h, "shortName", s)`, `codes_get(h, "cfVarName")`).
 */
const CF_VAR_NAMES: Readonly<Record<string, string>> = {
  "2t": "t2m",
  "2d": "d2m",
  "10u": "u10",
  "10v": "v10",
  "10si": "si10",
  "100u": "u100",
  "100v": "v100",
};

export function cfVarName(shortName: string): string {
  return CF_VAR_NAMES[shortName] ?? shortName;
}

export interface ParameterKey {
  /** Originating centre (section 1): a centre's local table comes before the WMO and ECMWF rows. */
  readonly centre?: number;
  readonly discipline: number;
  readonly category: number;
  readonly number: number;
  readonly surface?: number;
  readonly level?: number;
  readonly secondSurface?: number;
}

const UNKNOWN: ParameterName = { shortName: "unknown", name: "unknown", units: "unknown" };

/** Local parameter tables by centre, consulted first as eccodes does (its `localConcepts/<centre>`). */
const LOCAL_TABLES: ReadonlyMap<number, ReadonlyMap<string, ParameterName>> = new Map([[7, NCEP_PARAMETERS]]);

/**
 * The originating centre's local name if it has one; else the most specific row that matches
 * (surface-constrained rows first); else eccodes' "unknown".
 */
export function parameterName(key: ParameterKey): ParameterName {
  const local = LOCAL_TABLES.get(key.centre ?? -1)?.get(`${key.discipline}/${key.category}/${key.number}`);
  if (local !== undefined) return local;
  let best: ParameterRow | undefined;
  let bestScore = -1;
  for (const row of ROWS) {
    if (row.discipline !== key.discipline || row.category !== key.category || row.number !== key.number) continue;
    if (row.surface !== undefined && row.surface !== key.surface) continue;
    if (row.level !== undefined && row.level !== key.level) continue;
    if (row.secondSurface !== undefined && row.secondSurface !== key.secondSurface) continue;
    const score =
      (row.surface === undefined ? 0 : 1) +
      (row.level === undefined ? 0 : 1) +
      (row.secondSurface === undefined ? 0 : 1);
    if (score > bestScore) {
      best = row;
      bestScore = score;
    }
  }
  return best === undefined ? UNKNOWN : { shortName: best.shortName, name: best.name, units: best.units };
}

/** Code table 4.5 names as eccodes' typeOfLevel prints them. */
export function typeOfLevel(first: number, second: number | undefined, pressurePa?: number): string {
  if (first === 1 && second === 8) return "entireAtmosphere";
  if (first === 100) return pressurePa !== undefined && pressurePa % 100 !== 0 ? "isobaricInPa" : "isobaricInhPa";
  return LEVEL_TYPES[first] ?? `typeOfFirstFixedSurface${first}`;
}

const LEVEL_TYPES: Readonly<Record<number, string>> = {
  1: "surface",
  2: "cloudBase",
  3: "cloudTop",
  4: "isothermZero",
  6: "maxWind",
  7: "tropopause",
  8: "nominalTop",
  101: "meanSea",
  102: "heightAboveSea",
  103: "heightAboveGround",
  104: "sigma",
  105: "hybrid",
  106: "depthBelowLand",
  107: "theta",
  108: "pressureFromGround",
  109: "potentialVorticity",
  160: "depthBelowSea",
};

/** Common Code Table C-11 centres, as eccodes abbreviates them. */
export const CENTRES: Readonly<Record<number, string>> = {
  7: "kwbc",
  34: "rjtd",
  54: "cwao",
  74: "egrr",
  78: "edzw",
  85: "lfpw",
  98: "ecmf",
};

/** Data representation template -> eccodes packingType. */
export const PACKING_TYPES: Readonly<Record<number, string>> = {
  0: "grid_simple",
  2: "grid_complex",
  3: "grid_complex_spatial_differencing",
  4: "grid_ieee",
  40: "grid_jpeg",
  41: "grid_png",
  42: "grid_ccsds",
  50: "spectral_simple",
  51: "spectral_complex",
  61: "grid_simple_log_preprocessing",
};

/** Templates this decoder reads. */
export const DECODED_TEMPLATES: ReadonlySet<number> = new Set([0, 2, 3, 4, 42, 51]);
