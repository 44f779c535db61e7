import type { Resolution } from "@fieldbench/formats";

/**
 * Units of the FLUXNET2015 / AmeriFlux variables (FLUXNET2015 "fullset data product" variable list,
 * AmeriFlux BASE variable table). Carbon fluxes and precipitation change units with the resolution:
 * NEE/GPP/RECO are umolCO2 m-2 s-1 at HH/HR, gC m-2 d-1 at DD/WW/MM and gC m-2 y-1 at YY; P is mm per
 * record at HH/HR, mm d-1 at DD/WW/MM and mm y-1 at YY. Everything else keeps its unit (averages).
 * Names match on their leading variable (NEE_VUT_REF, TA_F_MDS, TS_F_MDS_1, SWC_1_1_1 ...).
 */
const BY_PREFIX: readonly (readonly [prefix: string, units: string])[] = [
  ["SW_IN_POT", "W m-2"],
  ["SW_IN", "W m-2"],
  ["SW_OUT", "W m-2"],
  ["SW_DIF", "W m-2"],
  ["SW_DIR", "W m-2"],
  ["LW_IN", "W m-2"],
  ["LW_OUT", "W m-2"],
  ["NETRAD", "W m-2"],
  ["PPFD_IN", "umolPhoton m-2 s-1"],
  ["PPFD_OUT", "umolPhoton m-2 s-1"],
  ["PPFD_DIF", "umolPhoton m-2 s-1"],
  ["LE", "W m-2"],
  ["H", "W m-2"],
  ["G", "W m-2"],
  ["EBC_CF", "1"],
  ["TA", "deg C"],
  ["TS", "deg C"],
  ["T_SONIC", "deg C"],
  ["VPD", "hPa"],
  ["PA", "kPa"],
  ["WS", "m s-1"],
  ["WD", "decimal degrees"],
  ["USTAR", "m s-1"],
  ["RH", "%"],
  ["SWC", "%"],
  ["CO2", "umolCO2 mol-1"],
  ["H2O", "mmolH2O mol-1"],
  ["CH4", "nmolCH4 mol-1"],
  ["FC", "umolCO2 m-2 s-1"],
  ["SC", "umolCO2 m-2 s-1"],
  ["FCH4", "nmolCH4 m-2 s-1"],
  ["ZL", "1"],
  ["NIGHT", "1"],
];

const CARBON = ["NEE", "GPP", "RECO"];

/** Leading variable of a column name: the longest known prefix followed by "_" or the end. */
function matches(name: string, prefix: string): boolean {
  return name === prefix || name.startsWith(`${prefix}_`);
}

export function fluxnetUnits(name: string, resolution: Resolution | undefined): string | undefined {
  if (name.endsWith("_QC")) return resolution === "HH" || resolution === "HR" ? "1 (flag 0-3)" : "1 (fraction)";
  if (CARBON.some((p) => matches(name, p))) {
    if (resolution === "YY") return "gC m-2 y-1";
    if (resolution === "DD" || resolution === "WW" || resolution === "MM") return "gC m-2 d-1";
    return "umolCO2 m-2 s-1";
  }
  if (matches(name, "P")) {
    if (resolution === "YY") return "mm y-1";
    if (resolution === "DD" || resolution === "WW" || resolution === "MM") return "mm d-1";
    return "mm";
  }
  return BY_PREFIX.find(([prefix]) => matches(name, prefix))?.[1];
}

/** umolCO2 m-2 s-1 to gC m-2 d-1: 12.011 g per mol of C, 1e-6 mol per umol, 86400 s per day. */
export const UMOL_CO2_PER_S_TO_GC_PER_DAY = 12.011e-6 * 86400;

/** How a variable aggregates from HH/HR records to a day. */
export function dailyAggregation(name: string): "carbon" | "precipitation" | "qc" | "mean" {
  if (name.endsWith("_QC")) return "qc";
  if (CARBON.some((p) => matches(name, p))) return "carbon";
  if (matches(name, "P")) return "precipitation";
  return "mean";
}
