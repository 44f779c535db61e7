import { FieldbenchError } from "@fieldbench/core";
import type { FormatReader } from "./types.js";

// Scaffold only: the real npy reader replaces this module (see the formats issue).
export const reader: FormatReader = {
  format: "npy" as FormatReader["format"],
  sniff: () => false,
  open: async (path) => {
    throw new FieldbenchError("UNSUPPORTED", `${path}: the npy reader is not built yet`, { path });
  },
};
