import { type Attrs, FieldbenchError } from "@fieldbench/core";
import { stringAttr } from "@fieldbench/formats";
import type { Cmip6FileName } from "./drs.js";

/**
 * Global attributes every CMIP6 file must carry (CMIP6 Global Attributes document, required list).
 * Values are read as text (the *_index attributes are integers in files and compared as text).
 */
export const CMIP6_REQUIRED_ATTRIBUTES = [
  "Conventions",
  "activity_id",
  "creation_date",
  "data_specs_version",
  "experiment",
  "experiment_id",
  "forcing_index",
  "frequency",
  "further_info_url",
  "grid",
  "grid_label",
  "initialization_index",
  "institution",
  "institution_id",
  "license",
  "mip_era",
  "nominal_resolution",
  "physics_index",
  "product",
  "realization_index",
  "realm",
  "source",
  "source_id",
  "source_type",
  "sub_experiment",
  "sub_experiment_id",
  "table_id",
  "tracking_id",
  "variable_id",
  "variant_label",
] as const;

export type Cmip6Attributes = Record<(typeof CMIP6_REQUIRED_ATTRIBUTES)[number], string>;

function text(attrs: Attrs, key: string): string | undefined {
  const value = attrs[key];
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (Array.isArray(value) && value.length === 1 && typeof value[0] !== "string") return String(value[0]);
  return stringAttr(attrs, key);
}

/**
 * Reads the required global attributes, refusing a file that lacks any or whose attributes contradict
 * its file name (a renamed file is a classic way to mislabel a dataset).
 */
export function checkCmip6Attributes(attrs: Attrs, path: string, name?: Cmip6FileName): Cmip6Attributes {
  const missing = CMIP6_REQUIRED_ATTRIBUTES.filter((key) => text(attrs, key) === undefined);
  if (missing.length > 0) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `${path}: missing CMIP6 global attribute${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
      { path },
    );
  }
  const out = Object.fromEntries(
    CMIP6_REQUIRED_ATTRIBUTES.map((k) => [k, text(attrs, k) as string]),
  ) as Cmip6Attributes;
  if (out.mip_era !== "CMIP6") {
    throw new FieldbenchError("INVALID_VALUE", `${path}: mip_era is "${out.mip_era}", not CMIP6`, { path });
  }
  if (name !== undefined) {
    for (const key of [
      "variable_id",
      "table_id",
      "source_id",
      "experiment_id",
      "grid_label",
      "variant_label",
    ] as const) {
      if (out[key] !== name[key]) {
        throw new FieldbenchError(
          "INVALID_VALUE",
          `${path}: global attribute ${key} is "${out[key]}" but the file name says "${name[key]}"`,
          { path },
        );
      }
    }
  }
  return out;
}
