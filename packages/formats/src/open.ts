import { open as openHandle, readdir, stat } from "node:fs/promises";
import { FieldbenchError, isFieldbenchError } from "@fieldbench/core";
import { isProgramError } from "./program-error.js";
import { formatNames, sniffReader } from "./registry.js";
import type { FormatReader, OpenFile, OpenOptions, Probe } from "./types.js";

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

/** The reader that claims a path's bytes (or directory listing, or URL); UNKNOWN_FORMAT when none does. */
export async function detectReader(path: string): Promise<FormatReader> {
  const probe = await probePath(path);
  const reader = await sniffReader(probe);
  if (reader === undefined) {
    const what = probe.isDirectory ? "a directory that no reader claims" : "bytes that match no known format";
    throw new FieldbenchError("UNKNOWN_FORMAT", `${path}: ${what} (${formatNames().join(", ")} are read)`, { path });
  }
  return reader;
}

/**
 * Opens any supported file by its bytes. Reader failures that are not already FieldbenchErrors
 * (a library throwing on a corrupt header) become CORRUPT_FILE with the file named; a reader's own bug
 * (TypeError, RangeError, ...) stays what it is, so the CLI reports an internal error and tests see it.
 */
export async function openFile(path: string, options: OpenOptions = {}): Promise<OpenFile> {
  const reader = await detectReader(path);
  let file: OpenFile;
  try {
    file = await reader.open(path, options);
  } catch (err) {
    throw asCorrupt(err, path, `not a readable ${reader.format} file`);
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

function asCorrupt(err: unknown, path: string, what: string): Error {
  if (isFieldbenchError(err) || isProgramError(err)) return err;
  return new FieldbenchError("CORRUPT_FILE", `${path}: ${what} (${describe(err)})`, { path, cause: err });
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]?.slice(0, 200) ?? "unknown error";
}
