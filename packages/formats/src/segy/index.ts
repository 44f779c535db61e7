import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader } from "../types.js";

// Scaffold only: the real segy reader replaces this module (see the formats issue).
export const reader: FormatReader = {
  format: "segy" as FormatReader["format"],
  sniff: () => false,
  open: async (path) => {
    throw new FieldbenchError("UNSUPPORTED", `${path}: the segy reader is not built yet`, { path });
  },
};
