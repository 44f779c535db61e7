import { FieldbenchError } from "@fieldbench/core";
import type { Normalization } from "./score-types.js";

/**
 * SuperBench's per-channel z-score constants (DESIGN.md, "SuperBench, exactly"), for `fieldbench score --dataset`.
 * The SuperBench package owns the full dataset specs; this table is the metrics-side copy of the constants.
 */
export interface DatasetConstants extends Normalization {
  readonly channels: readonly string[];
}

export const DATASET_CONSTANTS: Readonly<Record<string, DatasetConstants>> = {
  nskt_16k: {
    channels: ["u", "v", "w"],
    mean: [-9.4839566e-21, -7.88982956e-20, -2.07734654e-15],
    std: [0.67100703, 0.67113945, 10.27907989],
  },
  nskt_32k: {
    channels: ["u", "v", "w"],
    mean: [-1.44020306e-20, 5.80499913e-20, -1.65496884e-15],
    std: [0.67831907, 0.68145471, 10.75285724],
  },
  cosmo: { channels: ["log_T", "log_rho_b"], mean: [3.9017, -0.3575], std: [0.2266, 0.4048] },
  era5: { channels: ["ke_10m", "t2m", "tcwv"], mean: [6.3024, 278.3945, 18.4262], std: [3.7376, 21.0588, 16.4687] },
};

/** Constants of a dataset key; LR-sim variants (nskt_16k_sim_4, cosmo_sim_8) share their parent's. */
export function datasetConstants(key: string): DatasetConstants {
  const parent = key.replace(/_sim_\d+$/, "");
  const constants = DATASET_CONSTANTS[parent];
  if (constants === undefined) {
    throw new FieldbenchError(
      "UNKNOWN_DATASET",
      `unknown dataset ${key} (known: ${Object.keys(DATASET_CONSTANTS).join(", ")}, and their _sim_N variants)`,
    );
  }
  return constants;
}

/** ERA5 latitudes of the 720 kept rows (the 721st, -90, dropped): 90, 89.75, ..., -89.75. */
export function era5Latitudes(rows = 720): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => 90 - 0.25 * i);
}
