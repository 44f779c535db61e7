import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader } from "./types.js";

// Scaffold only: the real zarr reader replaces this module (see the formats issue).
export const reader: FormatReader = {
  format: "zarr" as FormatReader["format"],
  sniff: () => false,
  open: async (path) => {
    throw new FieldbenchError("UNSUPPORTED", `${path}: the zarr reader is not built yet`, { path });
  },
};
