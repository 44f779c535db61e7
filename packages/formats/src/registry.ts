import { FieldbenchError } from "@fieldbench/core";
import type { FormatName, FormatReader, Probe } from "./types.js";

/** A reader as the registry knows it before loading it. */
export interface ReaderEntry {
  /** Names `inspect --json` reports for the files this reader opens (one HDF5 reader opens netcdf4 and hdf5). */
  readonly formats: readonly FormatName[];
  /** What it reads, for `inspect --help`. */
  readonly description: string;
  /** Loads the reader: a Map of lazy loaders (zarrita's habit), so `inspect --help` loads none. */
  readonly load: () => Promise<FormatReader>;
}

/**
 * Every reader, in the order sniffing asks them (as xarray's `guess_engine` asks each backend's
 * `guess_can_open`): the first whose own `sniff` accepts the probe opens the file. A new format is one module
 * exporting `reader: FormatReader` plus one line here (or one `registerReader` call from outside).
 */
const ENTRIES: ReaderEntry[] = [
  {
    formats: ["netcdf3"],
    description: "netcdf3 (classic, 64-bit offset, CDF5)",
    load: async () => (await import("./netcdf3.js")).reader,
  },
  { formats: ["netcdf4", "hdf5"], description: "netcdf4, hdf5", load: async () => (await import("./hdf5.js")).reader },
  {
    formats: ["zarr"],
    description: "zarr (v2, v3, local or http)",
    load: async () => (await import("./zarr.js")).reader,
  },
  { formats: ["npy"], description: "npy", load: async () => (await import("./npy.js")).reader },
  { formats: ["grib2"], description: "grib2", load: async () => (await import("./grib2/index.js")).reader },
  { formats: ["segy"], description: "segy", load: async () => (await import("./segy/index.js")).reader },
  { formats: ["fluxnet"], description: "fluxnet", load: async () => (await import("./fluxnet/index.js")).reader },
];

/** Adds a reader after the built-in ones, so it never shadows them. */
export function registerReader(entry: ReaderEntry): void {
  const taken = entry.formats.find((f) => ENTRIES.some((e) => e.formats.includes(f)));
  if (taken !== undefined) throw new FieldbenchError("BAD_USAGE", `a reader for format ${taken} is registered already`);
  ENTRIES.push(entry);
}

export function readerEntries(): readonly ReaderEntry[] {
  return ENTRIES;
}

export function formatNames(): FormatName[] {
  return ENTRIES.flatMap((e) => e.formats);
}

export async function getReader(format: FormatName): Promise<FormatReader> {
  const entry = ENTRIES.find((e) => e.formats.includes(format));
  if (entry === undefined) throw new FieldbenchError("UNKNOWN_FORMAT", `no reader registered for format ${format}`);
  return entry.load();
}

/** The first reader whose own `sniff` accepts the probe, loading readers only until one does. */
export async function sniffReader(probe: Probe): Promise<FormatReader | undefined> {
  for (const entry of ENTRIES) {
    const reader = await entry.load();
    if (reader.sniff(probe)) return reader;
  }
  return undefined;
}
