import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader } from "../types.js";

// Scaffold only: the real grib2 reader replaces this module (see the formats issue).
export const reader: FormatReader = {
  format: "grib2" as FormatReader["format"],
  sniff: () => false,
  open: async (path) => {
    throw new FieldbenchError("UNSUPPORTED", `${path}: the grib2 reader is not built yet`, { path });
  },
};
