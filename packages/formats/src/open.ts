import { open as openHandle, readdir, stat } from "node:fs/promises";
import { FieldbenchError, isFieldbenchError } from "@fieldbench/core";
import { sniffFormat } from "./sniff.js";
import type { FormatName, FormatReader, OpenFile, OpenOptions, Probe } from "./types.js";

/**
 * The reader registry: a Map of lazy loaders (zarrita's habit), so `inspect` of a CSV never loads h5wasm.
 * A new format is one module exporting `reader` plus one line here and one sniffer in sniff.ts.
 */
const READERS = new Map<FormatName, () => Promise<FormatReader>>([
  ["netcdf3", async () => (await import("./netcdf3.js")).reader],
  ["netcdf4", async () => (await import("./hdf5.js")).reader],
  ["hdf5", async () => (await import("./hdf5.js")).reader],
  ["zarr", async () => (await import("./zarr.js")).reader],
  ["npy", async () => (await import("./npy.js")).reader],
  ["segy", async () => (await import("./segy/index.js")).reader],
  ["fluxnet", async () => (await import("./fluxnet/index.js")).reader],
  ["grib2", async () => (await import("./grib2/index.js")).reader],
]);

export async function getReader(format: FormatName): Promise<FormatReader> {
  const load = READERS.get(format);
  if (load === undefined) throw new FieldbenchError("UNKNOWN_FORMAT", `no reader registered for format ${format}`);
  return load();
}

const HEAD_BYTES = 64 * 1024;

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** Reads what sniffing needs: the first 64 KiB of a file, or a directory listing. */
export async function probePath(path: string): Promise<Probe> {
  if (isUrl(path)) return { path, head: new Uint8Array(0), isDirectory: false, entries: [], isUrl: true };
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: no such file or directory`, { path, cause });
  }
  if (info.isDirectory()) {
    return { path, head: new Uint8Array(0), isDirectory: true, entries: await readdir(path), isUrl: false };
  }
  const handle = await openHandle(path, "r").catch((cause: unknown) => {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot be opened (${(cause as Error).message})`, {
      path,
      cause,
    });
  });
  try {
    const head = new Uint8Array(Math.min(HEAD_BYTES, Number(info.size)));
    await handle.read(head, 0, head.length, 0);
    return { path, head, isDirectory: false, entries: [], isUrl: false };
  } finally {
    await handle.close();
  }
}

export async function detectFormat(path: string): Promise<FormatName> {
  const probe = await probePath(path);
  const format = sniffFormat(probe);
  if (format === undefined) {
    const what = probe.isDirectory ? "a directory that is not a Zarr store" : "bytes that match no known format";
    throw new FieldbenchError(
      "UNKNOWN_FORMAT",
      `${path}: ${what} (netcdf3, netcdf4, hdf5, zarr, segy, fluxnet, npy, grib2 are read)`,
      { path },
    );
  }
  return format;
}

/**
 * Opens any supported file by its bytes. Reader failures that are not already FieldbenchErrors
 * (a library throwing on a corrupt header) become CORRUPT_FILE with the file named, never a crash.
 */
export async function openFile(path: string, options: OpenOptions = {}): Promise<OpenFile> {
  const format = await detectFormat(path);
  const reader = await getReader(format);
  let file: OpenFile;
  try {
    file = await reader.open(path, options);
  } catch (err) {
    throw asCorrupt(err, path, `not a readable ${format} file`);
  }
  return guardReads(file);
}

/** Wraps `read` so a library error deep in a corrupt chunk surfaces as CORRUPT_FILE naming file and variable. */
function guardReads(file: OpenFile): OpenFile {
  return {
    ...file,
    format: file.format,
    path: file.path,
    dims: file.dims,
    attrs: file.attrs,
    variables: file.variables,
    ...(file.extra === undefined ? {} : { extra: file.extra }),
    read: async (name, selection) => {
      try {
        return await file.read(name, selection);
      } catch (err) {
        throw asCorrupt(err, file.path, `variable ${name} could not be read`);
      }
    },
    close: () => file.close(),
  };
}

function asCorrupt(err: unknown, path: string, what: string): FieldbenchError {
  if (isFieldbenchError(err)) return err;
  return new FieldbenchError("CORRUPT_FILE", `${path}: ${what} (${describe(err)})`, { path, cause: err });
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]?.slice(0, 200) ?? "unknown error";
}
