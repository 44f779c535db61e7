import { FieldbenchError } from "@fieldbench/core";

/**
 * One vocabulary for ERA5 variables as the three places users meet them name them: CDS NetCDF short
 * names (`t2m`, as cfgrib/grib_to_netcdf write them), eccodes GRIB shortNames (`2t`), the long names of
 * the CDS API and the cloud Zarr stores (`2m_temperature`), plus the ECMWF paramId, the CF standard
 * name and the units (ECMWF spelling, as the files carry them).
 */
export interface Era5Variable {
  /** CDS NetCDF variable name. */
  readonly short: string;
  /** eccodes GRIB shortName. */
  readonly grib: string;
  /** CDS request name and analysis-ready Zarr variable name. */
  readonly long: string;
  readonly paramId: number;
  /** CF standard name (not unique: t2m and t are both air_temperature). */
  readonly standardName: string;
  readonly units: string;
  readonly description: string;
}

export const ERA5_VARIABLES: readonly Era5Variable[] = [
  {
    short: "t2m",
    grib: "2t",
    long: "2m_temperature",
    paramId: 167,
    standardName: "air_temperature",
    units: "K",
    description: "2 metre temperature",
  },
  {
    short: "d2m",
    grib: "2d",
    long: "2m_dewpoint_temperature",
    paramId: 168,
    standardName: "dew_point_temperature",
    units: "K",
    description: "2 metre dewpoint temperature",
  },
  {
    short: "u10",
    grib: "10u",
    long: "10m_u_component_of_wind",
    paramId: 165,
    standardName: "eastward_wind",
    units: "m s**-1",
    description: "10 metre U wind component",
  },
  {
    short: "v10",
    grib: "10v",
    long: "10m_v_component_of_wind",
    paramId: 166,
    standardName: "northward_wind",
    units: "m s**-1",
    description: "10 metre V wind component",
  },
  {
    short: "si10",
    grib: "10si",
    long: "10m_wind_speed",
    paramId: 207,
    standardName: "wind_speed",
    units: "m s**-1",
    description: "10 metre wind speed",
  },
  {
    short: "tcwv",
    grib: "tcwv",
    long: "total_column_water_vapour",
    paramId: 137,
    standardName: "atmosphere_mass_content_of_water_vapor",
    units: "kg m**-2",
    description: "Total column vertically-integrated water vapour",
  },
  {
    short: "msl",
    grib: "msl",
    long: "mean_sea_level_pressure",
    paramId: 151,
    standardName: "air_pressure_at_mean_sea_level",
    units: "Pa",
    description: "Mean sea level pressure",
  },
  {
    short: "sp",
    grib: "sp",
    long: "surface_pressure",
    paramId: 134,
    standardName: "surface_air_pressure",
    units: "Pa",
    description: "Surface pressure",
  },
  {
    short: "skt",
    grib: "skt",
    long: "skin_temperature",
    paramId: 235,
    standardName: "surface_temperature",
    units: "K",
    description: "Skin temperature",
  },
  {
    short: "sst",
    grib: "sst",
    long: "sea_surface_temperature",
    paramId: 34,
    standardName: "sea_surface_temperature",
    units: "K",
    description: "Sea surface temperature",
  },
  {
    short: "tp",
    grib: "tp",
    long: "total_precipitation",
    paramId: 228,
    standardName: "lwe_thickness_of_precipitation_amount",
    units: "m",
    description: "Total precipitation",
  },
  {
    short: "lsm",
    grib: "lsm",
    long: "land_sea_mask",
    paramId: 172,
    standardName: "land_binary_mask",
    units: "(0 - 1)",
    description: "Land-sea mask",
  },
  {
    short: "z",
    grib: "z",
    long: "geopotential",
    paramId: 129,
    standardName: "geopotential",
    units: "m**2 s**-2",
    description: "Geopotential",
  },
  {
    short: "t",
    grib: "t",
    long: "temperature",
    paramId: 130,
    standardName: "air_temperature",
    units: "K",
    description: "Temperature",
  },
  {
    short: "u",
    grib: "u",
    long: "u_component_of_wind",
    paramId: 131,
    standardName: "eastward_wind",
    units: "m s**-1",
    description: "U component of wind",
  },
  {
    short: "v",
    grib: "v",
    long: "v_component_of_wind",
    paramId: 132,
    standardName: "northward_wind",
    units: "m s**-1",
    description: "V component of wind",
  },
  {
    short: "q",
    grib: "q",
    long: "specific_humidity",
    paramId: 133,
    standardName: "specific_humidity",
    units: "kg kg**-1",
    description: "Specific humidity",
  },
  {
    short: "r",
    grib: "r",
    long: "relative_humidity",
    paramId: 157,
    standardName: "relative_humidity",
    units: "%",
    description: "Relative humidity",
  },
];

/** Finds a variable by any of its names (short, GRIB, long, or paramId as text), case-insensitively. */
export function findEra5Variable(name: string): Era5Variable | undefined {
  const key = name.trim().toLowerCase();
  return ERA5_VARIABLES.find((v) => v.short === key || v.grib === key || v.long === key || String(v.paramId) === key);
}

/** Like findEra5Variable, but throws VARIABLE_NOT_FOUND listing the known short names. */
export function era5Variable(name: string): Era5Variable {
  const found = findEra5Variable(name);
  if (found === undefined) {
    throw new FieldbenchError(
      "VARIABLE_NOT_FOUND",
      `"${name}" is not an ERA5 variable fieldbench knows (known: ${ERA5_VARIABLES.map((v) => v.short).join(", ")})`,
    );
  }
  return found;
}

/** All variables with a CF standard name (several for air_temperature, eastward_wind, ...). */
export function era5VariablesByStandardName(standardName: string): Era5Variable[] {
  return ERA5_VARIABLES.filter((v) => v.standardName === standardName);
}
