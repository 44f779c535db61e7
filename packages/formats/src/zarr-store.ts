import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { FieldbenchError, maxAllocationBytes } from "@fieldbench/core";
import type { RangeQuery } from "@zarrita/storage";
import FileSystemStore from "@zarrita/storage/fs";

/** A store key as zarrita passes it: an absolute path inside the store (`/t2m/0.0`). */
export type StoreKey = `/${string}`;

/**
 * What the Zarr reader needs from a store: zarrita's one-method interface (`get`), plus an optional
 * directory listing for walking a hierarchy that has no consolidated metadata (local stores only).
 */
export interface ZarrStore {
  /** Where the store lives, for messages (a directory or a URL). */
  readonly location: string;
  get(key: StoreKey): Promise<Uint8Array | undefined>;
  /** Byte range of a key (sharded arrays read their index and inner chunks this way). */
  getRange?(key: StoreKey, range: RangeQuery): Promise<Uint8Array | undefined>;
  /** Entry names directly under `prefix` ("/" or "/group"); absent when the store cannot list (HTTP). */
  list?(prefix: StoreKey): Promise<{ dirs: string[]; files: string[] }>;
}

/**
 * Refuses a key that could leave the store: `..` or `.` segments, backslashes, NUL, empty segments or
 * percent-escapes (a URL store would decode them). Keys come from metadata a hostile store controls,
 * so every get and every consolidated-metadata entry passes through here.
 */
export function assertSafeKey(key: string, location: string): StoreKey {
  const fail = (why: string): never => {
    throw new FieldbenchError("UNSAFE_PATH", `${location}: refusing store key "${key.slice(0, 120)}" (${why})`, {
      path: location,
    });
  };
  if (!key.startsWith("/")) fail("not rooted in the store");
  if (/[\\\0%]/.test(key)) fail("backslash, NUL or percent-escape");
  const segments = key.slice(1).split("/");
  if (key !== "/") {
    for (const segment of segments) {
      if (segment === "..") fail("a '..' segment escapes the store");
      if (segment === "." || segment === "") fail("an empty or '.' segment");
    }
  }
  return key as StoreKey;
}

/**
 * A directory store confined to its root: zarrita's FileSystemStore joins keys onto the root without
 * checking, so each key is vetted, then the file's real path (symlinks resolved) must lie under the
 * root's real path, and its size must fit the allocation limit before it is read.
 */
export async function createLocalStore(root: string): Promise<ZarrStore> {
  let realRoot: string;
  try {
    realRoot = await realpath(resolve(root));
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${root}: no such Zarr store`, { path: root, cause });
  }
  const inner = new FileSystemStore(realRoot);
  const inside = (p: string): boolean =>
    p === realRoot || p.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  const confined = async (key: StoreKey): Promise<string | undefined> => {
    let real: string;
    try {
      real = await realpath(join(realRoot, key));
    } catch {
      return undefined;
    }
    if (!inside(real)) {
      throw new FieldbenchError("UNSAFE_PATH", `${root}: store key ${key} resolves outside the store`, { path: root });
    }
    return real;
  };
  return {
    location: root,
    async get(key) {
      const safe = assertSafeKey(key, root);
      const real = await confined(safe);
      if (real === undefined) return undefined;
      const info = await stat(real);
      if (!info.isFile()) return undefined;
      if (info.size > maxBytesFor(safe)) {
        throw new FieldbenchError(
          "TOO_LARGE",
          `${root}${key}: ${info.size} bytes, above the ${maxBytesFor(safe)}-byte limit for this key`,
          {
            path: root,
          },
        );
      }
      const bytes = await inner.get(safe);
      return bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    async getRange(key, range) {
      const safe = assertSafeKey(key, root);
      const real = await confined(safe);
      if (real === undefined) return undefined;
      const size = (await stat(real)).size;
      const end = "length" in range ? range.offset + range.length : range.suffixLength;
      if (!Number.isSafeInteger(end) || end > size || ("offset" in range && range.offset < 0)) {
        throw new FieldbenchError(
          "CORRUPT_FILE",
          `${root}${key}: byte range ends past the end of the ${size}-byte file`,
          {
            path: root,
          },
        );
      }
      const bytes = await inner.getRange(safe, range);
      return bytes === undefined ? undefined : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    async list(prefix) {
      const safe = assertSafeKey(prefix, root);
      const real = await confined(safe);
      if (real === undefined) return { dirs: [], files: [] };
      const dirs: string[] = [];
      const files: string[] = [];
      for (const name of await readdir(real)) {
        const info = await lstat(join(real, name)).catch(() => undefined);
        if (info?.isDirectory()) dirs.push(name);
        else if (info?.isFile()) files.push(name);
      }
      return { dirs: dirs.sort(), files: files.sort() };
    },
  };
}

/**
 * Most bytes a metadata document may have: JSON.parse of a hostile multi-gigabyte `.zmetadata` would take
 * many times that in memory. The consolidated metadata of ERA5-scale stores is a few megabytes.
 */
export const MAX_METADATA_BYTES = 64 * 1024 ** 2;

/** The size limit for a key: metadata documents are capped far below chunks. */
export function maxBytesFor(key: string): number {
  return isMetadataKey(key) ? Math.min(MAX_METADATA_BYTES, maxAllocationBytes()) : maxAllocationBytes();
}

const METADATA_NAMES = new Set([".zarray", ".zgroup", ".zattrs", ".zmetadata", "zarr.json"]);

export function isMetadataKey(key: string): boolean {
  return METADATA_NAMES.has(key.slice(key.lastIndexOf("/") + 1));
}

/**
 * Remembers metadata documents (small JSON), so that zarrita re-reading `.zarray`/`.zattrs`/`zarr.json`
 * after we validated them costs no second request; chunk reads always go to the store.
 */
export function withMetadataCache(store: ZarrStore): ZarrStore {
  const cache = new Map<string, Promise<Uint8Array | undefined>>();
  return {
    ...store,
    location: store.location,
    get(key) {
      if (!isMetadataKey(key)) return store.get(key);
      let hit = cache.get(key);
      if (hit === undefined) {
        hit = store.get(key);
        cache.set(key, hit);
        hit.catch(() => cache.delete(key));
      }
      return hit;
    },
  };
}
