import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader } from "./types.js";

// Scaffold only: the real fluxnet reader replaces this module (see the formats issue).
export const reader: FormatReader = {
  format: "fluxnet" as FormatReader["format"],
  sniff: () => false,
  open: async (path) => {
    throw new FieldbenchError("UNSUPPORTED", `${path}: the fluxnet reader is not built yet`, { path });
  },
};
