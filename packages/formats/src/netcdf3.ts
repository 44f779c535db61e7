import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader } from "./types.js";

// Scaffold only: the real netcdf3 reader replaces this module (see the formats issue).
export const reader: FormatReader = {
  format: "netcdf3" as FormatReader["format"],
  sniff: () => false,
  open: async (path) => {
    throw new FieldbenchError("UNSUPPORTED", `${path}: the netcdf3 reader is not built yet`, { path });
  },
};
