/** FLUXNET resolutions: half-hourly, hourly, daily, weekly, monthly, yearly. */
export const RESOLUTIONS = ["HH", "HR", "DD", "WW", "MM", "YY"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** What a FLUXNET / AmeriFlux file name says. Absent parts stay undefined. */
export interface FluxnetFileName {
  /** Source prefix: FLX (FLUXNET2015 and ONEFlux releases), AMF (AmeriFlux), ICOSETC, ... */
  readonly source: string;
  /** Site id CC-SSS, e.g. US-Ha1. */
  readonly site: string;
  /** FLUXNET2015, FLUXNET (ONEFlux releases) or FLUXNET-CH4; absent for AmeriFlux BASE. */
  readonly dataset?: string;
  /** FULLSET, SUBSET, ERAI, AUXMETEO, AUXNEE, BASE, BASE-BADM ... */
  readonly product?: string;
  readonly resolution?: Resolution;
  readonly firstYear?: number;
  readonly lastYear?: number;
  /** Release version, e.g. "1-4" (FLUXNET2015) or "17-5" (AmeriFlux BASE). */
  readonly version?: string;
}

/**
 * Parses names such as FLX_US-Ha1_FLUXNET2015_FULLSET_HH_1991-2012_1-4.csv (FLUXNET2015),
 * AMF_US-Ha1_FLUXNET_SUBSET_DD_1991-2020_3-5.csv (ONEFlux output) and AMF_US-Ha1_BASE_HR_17-5.csv
 * (AmeriFlux BASE). Returns undefined for names that follow none of these patterns.
 */
export function parseFluxnetFileName(path: string): FluxnetFileName | undefined {
  const base = path.split(/[\\/]/).pop() ?? path;
  const match = /^([A-Z]+)_([A-Z]{2}-[A-Za-z0-9]{3})_(.+?)(?:\.csv)?$/i.exec(base);
  if (match === null) return undefined;
  const [, source, site, rest] = match as unknown as [string, string, string, string];
  const tokens = rest.split("_");
  const resolutionAt = tokens.findIndex((t) => (RESOLUTIONS as readonly string[]).includes(t));
  const years = tokens.find((t) => /^\d{4}-\d{4}$/.test(t));
  const last = tokens[tokens.length - 1] as string;
  const version = /^(\d+-\d+|beta-\d+)$/.test(last) && last !== years ? last : undefined;
  const named = resolutionAt >= 0 ? tokens.slice(0, resolutionAt) : tokens.filter((t) => t !== years && t !== version);
  const product = named.length > 0 ? (named[named.length - 1] as string) : undefined;
  const dataset = named.length > 1 ? named.slice(0, -1).join("_") : undefined;
  const [firstYear, lastYear] = years === undefined ? [] : years.split("-").map(Number);
  return {
    source: source.toUpperCase(),
    site,
    ...(dataset === undefined ? {} : { dataset }),
    ...(product === undefined ? {} : { product }),
    ...(resolutionAt >= 0 ? { resolution: tokens[resolutionAt] as Resolution } : {}),
    ...(firstYear === undefined ? {} : { firstYear }),
    ...(lastYear === undefined ? {} : { lastYear }),
    ...(version === undefined ? {} : { version }),
  };
}
