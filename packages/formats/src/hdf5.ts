import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader } from "./types.js";

// Scaffold only: the real hdf5 reader replaces this module (see the formats issue).
export const reader: FormatReader = {
  format: "hdf5" as FormatReader["format"],
  sniff: () => false,
  open: async (path) => {
    throw new FieldbenchError("UNSUPPORTED", `${path}: the hdf5 reader is not built yet`, { path });
  },
};
