import {
  BYTES_PER_ELEMENT,
  type Attrs,
  type DType,
  FieldbenchError,
  type NumericArray,
  type NumericDType,
  allocateArray,
  checkAllocation,
  shapeSize,
} from "@fieldbench/core";
import * as zarr from "zarrita";
import { normalizeSelection, selectionShape, type NormalizedRange } from "./selection.js";
import { isZarrDirectory } from "./zarr-sniff.js";
import type { FormatReader, OpenFile, OpenOptions, RawArray, Selection, VariableInfo } from "./types.js";
import { installBoundedCodecs, isCodecKnown } from "./zarr-codecs.js";
import { createBoundedQueue } from "./zarr-queue.js";
import { type ZarrHierarchy, type ZarrNode, discoverHierarchy } from "./zarr-hierarchy.js";
import { type HttpStoreOptions, createHttpStore } from "./zarr-http-store.js";
import { type ZarrArrayMeta, toAttrs } from "./zarr-metadata.js";
import { type ZarrStore, createLocalStore, withMetadataCache } from "./zarr-store.js";

/*
 * Zarr v2 and v3 through zarrita. What fieldbench adds around it:
 * - stores: a local directory confined to its root (keys vetted, symlinks resolved) and an HTTP store
 *   that reports, bounds and times out each request (zarr-store.ts, zarr-http-store.ts);
 * - discovery: consolidated metadata (v2 `.zmetadata`, v3 inline `consolidated_metadata`) else a
 *   directory walk (zarr-hierarchy.ts). Limitation: an HTTP store cannot list, and Zarr groups do not
 *   name their children, so a remote group without consolidated metadata exposes only its root array,
 *   or the children passed as `variables` (xarray and zarr-python write consolidated metadata by default);
 * - metadata checked field by field before zarrita sees it, declared sizes checked before allocation,
 *   decoded chunk sizes checked after decoding, gzip/zlib output bounded (zarr-metadata.ts, zarr-codecs.ts);
 * - names and dims: arrays by path (`group/var`); a store that is one array is named after the store
 *   (`t2m.zarr` -> `t2m`); dims from `_ARRAY_DIMENSIONS` (v2, xarray) or `dimension_names` (v3), else
 *   dim_0..; the first size seen for a dim name is the one reported in `dims`.
 */
export type { ZarrRequest, HttpStoreOptions } from "./zarr-http-store.js";
export type { ZarrStore, StoreKey } from "./zarr-store.js";
export { createHttpStore } from "./zarr-http-store.js";
export { createLocalStore, assertSafeKey } from "./zarr-store.js";

export interface ZarrOpenOptions extends HttpStoreOptions {
  /**
   * Children to open when a remote group has no consolidated metadata (HTTP cannot list a folder and
   * Zarr groups do not name their children): `["t2m", "surface/sp"]`.
   */
  readonly variables?: readonly string[];
}

/** A decoded chunk may not declare more than this many bytes, whatever the allocation limit says. */
const MAX_CHUNK_BYTES = 1024 ** 3;
/** A single read may not touch more chunks than this (each is a request on HTTP). */
const MAX_CHUNKS_PER_READ = 1 << 20;
/** Chunks fetched and decoded at once in one read (open files locally, requests over HTTP). */
const CHUNK_CONCURRENCY = 16;

export const reader: FormatReader = {
  format: "zarr",
  sniff: (probe) => probe.isUrl || (probe.isDirectory && isZarrDirectory(probe.path, probe.entries)),
  open: (path, options = {}) => openZarrStore(path, zarrOptions(options)),
};

function zarrOptions(options: OpenOptions): ZarrOpenOptions {
  const variables = options.variables;
  const onRequest = options.onRequest;
  return {
    ...(Array.isArray(variables) && variables.every((v) => typeof v === "string") ? { variables } : {}),
    ...(typeof onRequest === "function" ? { onRequest: onRequest as ZarrOpenOptions["onRequest"] } : {}),
    ...(typeof options.maxRequests === "number" ? { maxRequests: options.maxRequests } : {}),
    ...(typeof options.timeoutMs === "number" ? { timeoutMs: options.timeoutMs } : {}),
  };
}

/**
 * Opens a Zarr v2 or v3 store, local directory or http(s) URL, as an OpenFile: metadata now, chunks on
 * `read`. `onRequest` sees every HTTP request (the ERA5 loader counts and bounds remote reads with it).
 */
export async function openZarrStore(location: string, options: ZarrOpenOptions = {}): Promise<OpenFile> {
  const isRemote = /^https?:\/\//i.test(location);
  const base = isRemote ? createHttpStore(location, options) : await createLocalStore(location);
  return openZarr(withMetadataCache(base), options);
}

/** Opens any ZarrStore (tests use in-memory ones). */
export async function openZarr(store: ZarrStore, options: ZarrOpenOptions = {}): Promise<OpenFile> {
  installBoundedCodecs();
  const hierarchy = await discoverHierarchy(store, options).catch((err: unknown) => {
    throw asFieldbenchError(err, `${store.location}: not a readable Zarr store`, store.location);
  });
  const rootName = rootArrayName(store.location);
  const allArrays = hierarchy.nodes.filter((n): n is ZarrNode & { meta: ZarrArrayMeta } => n.meta.kind === "array");
  const arrays = allArrays.filter((n) => n.meta.unsupported === undefined);
  const skipped = allArrays
    .filter((n) => n.meta.unsupported !== undefined)
    .map((n) => ({ name: n.path === "" ? rootName : n.path, reason: n.meta.unsupported }));
  const variables = arrays.map((node) => variableInfo(node, rootName));
  const byName = new Map(variables.map((v, i) => [v.name, arrays[i] as ZarrNode & { meta: ZarrArrayMeta }]));
  const dims: Record<string, number> = {};
  for (const v of variables) {
    v.dims.forEach((dim, i) => {
      if (!(dim in dims)) dims[dim] = v.shape[i] as number;
    });
  }
  const rootNode = hierarchy.nodes.find((n) => n.path === "");
  const attrs: Attrs = rootNode?.meta.kind === "group" ? toAttrs(rootNode.meta.rawAttrs) : {};
  const opened = new Map<string, Promise<zarr.Array<zarr.DataType, ZarrStore>>>();
  const openArray = (name: string, node: ZarrNode & { meta: ZarrArrayMeta }) => {
    let pending = opened.get(name);
    if (pending === undefined) {
      pending = openZarritaArray(hierarchy, node);
      opened.set(name, pending);
      // A failed open (a network hiccup) is retried by the next read rather than remembered.
      pending.catch(() => opened.delete(name));
    }
    return pending;
  };
  return {
    format: "zarr",
    path: store.location,
    dims,
    attrs,
    variables,
    extra: {
      zarr: {
        zarrFormat: hierarchy.version,
        discovery: hierarchy.discovery,
        ...(skipped.length > 0 ? { skipped } : {}),
      },
    },
    async read(name: string, selection?: Selection): Promise<RawArray> {
      const node = byName.get(name) ?? byName.get(name.replace(/^\/+/, ""));
      if (node === undefined) {
        throw new FieldbenchError("VARIABLE_NOT_FOUND", `${store.location}: no variable "${name}"`, {
          path: store.location,
        });
      }
      const where = `${store.location}: ${name}`;
      checkCodecs(node.meta, where, store.location);
      const ranges = normalizeSelection(node.meta.shape, selection, name);
      checkReadSize(node.meta, ranges, where, store.location);
      try {
        const array = await openArray(name, node);
        return await readRanges(array, node.meta, ranges, where, store.location);
      } catch (err) {
        throw asFieldbenchError(err, `${where} could not be read`, store.location);
      }
    },
    close: async () => {},
  };
}

/** A store that is itself one array names that array after the store: `t2m.zarr` -> `t2m`. */
function rootArrayName(location: string): string {
  const last =
    location
      .replace(/[/\\]+$/, "")
      .split(/[/\\]/)
      .pop() ?? "";
  const stem = last.replace(/\.zarr$/i, "");
  return stem === "" ? "data" : stem;
}

function variableInfo(node: ZarrNode & { meta: ZarrArrayMeta }, rootName: string): VariableInfo {
  const meta = node.meta;
  const dims = meta.shape.map((_, i) => meta.dimensionNames?.[i] ?? `dim_${i}`);
  const attrs = toAttrs(meta.rawAttrs, ["_ARRAY_DIMENSIONS"]);
  // xarray treats a v2 array's fill_value as _FillValue (it writes _FillValue there, not in .zattrs);
  // arrays xarray wrote carry _ARRAY_DIMENSIONS, so only those get it, and plain zarr arrays keep
  // their default fill_value 0 unmasked.
  if (meta.version === 2 && meta.dimensionNames !== undefined && !("_FillValue" in attrs)) {
    const fill = fillAttr(meta.fillValue);
    if (fill !== undefined) attrs._FillValue = fill;
  }
  return {
    name: node.path === "" ? rootName : node.path,
    dtype: meta.dtype,
    shape: meta.shape,
    dims,
    attrs,
    chunks: meta.chunks,
    filters: meta.codecNames,
  };
}

function fillAttr(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return undefined;
}

function checkCodecs(meta: ZarrArrayMeta, where: string, path: string): void {
  const unknown = meta.registryNames.filter((name) => !isCodecKnown(name));
  if (unknown.length > 0) {
    throw new FieldbenchError(
      "FILTER_UNSUPPORTED",
      `${where}: codec ${unknown.map((n) => n.replace(/^numcodecs\./, "")).join(", ")} cannot be decoded (read: zlib, gzip, blosc, zstd, lz4, shuffle, delta, bitround, crc32c, transpose, sharding)`,
      { path },
    );
  }
}

function itemBytes(meta: ZarrArrayMeta): number {
  return meta.dtype === "string" || meta.dtype === "char" ? 8 : BYTES_PER_ELEMENT[meta.dtype];
}

/** Declared sizes checked before zarrita allocates: the output, one decoded chunk, the number of chunks. */
function checkReadSize(meta: ZarrArrayMeta, ranges: readonly NormalizedRange[], where: string, path: string): void {
  const bytes = itemBytes(meta);
  checkAllocation(shapeSize(selectionShape(ranges), where), bytes, where, path);
  const chunkElements = shapeSize(meta.decodeChunks, `${where} chunk`);
  checkAllocation(chunkElements, bytes, `${where} chunk`, path);
  if (chunkElements * bytes > MAX_CHUNK_BYTES) {
    throw new FieldbenchError(
      "TOO_LARGE",
      `${where}: one chunk declares ${chunkElements * bytes} bytes (limit 1 GiB)`,
      {
        path,
      },
    );
  }
  let chunks = 1;
  ranges.forEach((r, i) => {
    const c = meta.decodeChunks[i] as number;
    chunks *= r.stop > r.start ? Math.ceil(r.stop / c) - Math.floor(r.start / c) : 0;
  });
  if (chunks > MAX_CHUNKS_PER_READ) {
    throw new FieldbenchError(
      "TOO_LARGE",
      `${where}: the selection touches ${chunks} chunks; read a smaller selection`,
      {
        path,
      },
    );
  }
}

async function openZarritaArray(
  hierarchy: ZarrHierarchy,
  node: ZarrNode & { meta: ZarrArrayMeta },
): Promise<zarr.Array<zarr.DataType, ZarrStore>> {
  const location = zarr.root(hierarchy.store).resolve(node.path === "" ? "/" : `/${node.path}`);
  const array =
    node.meta.version === 2
      ? await zarr.open.v2(location, { kind: "array" })
      : await zarr.open.v3(location, { kind: "array" });
  guardChunks(array, hierarchy.store.location, node.path);
  return array;
}

/**
 * zarrita trusts decoded chunk sizes: a truncated uncompressed chunk would read as a short array and
 * leave garbage in the output. Each decoded chunk must hold exactly its declared element count.
 */
function guardChunks(array: zarr.Array<zarr.DataType, ZarrStore>, location: string, path: string): void {
  const getChunk = array.getChunk.bind(array);
  const expected = array.chunks.reduce((a, b) => a * b, 1);
  array.getChunk = async (coords, options, opts) => {
    const chunk = await getChunk(coords, options, opts);
    if (chunk.data.length !== expected) {
      throw new FieldbenchError(
        "CORRUPT_FILE",
        `${location}: chunk [${coords.join(", ")}] of ${path || "the root array"} decodes to ${chunk.data.length} elements, not ${expected}`,
        { path: location },
      );
    }
    return chunk;
  };
}

async function readRanges(
  array: zarr.Array<zarr.DataType, ZarrStore>,
  meta: ZarrArrayMeta,
  ranges: readonly NormalizedRange[],
  where: string,
  path: string,
): Promise<RawArray> {
  const shape = selectionShape(ranges);
  if (shape.length === 0) {
    const value = await zarr.get(array);
    return { dtype: meta.dtype, shape: [], data: toData(meta.dtype, [value], where, path) };
  }
  if (shape.includes(0)) {
    return {
      dtype: meta.dtype,
      shape,
      data: meta.dtype === "string" ? [] : allocateArray(meta.dtype as NumericDType, 0),
    };
  }
  const result = await zarr.get(
    array,
    ranges.map((r) => zarr.slice(r.start, r.stop)),
    { createQueue: () => createBoundedQueue(CHUNK_CONCURRENCY) },
  );
  const data = cOrder(result.data as ArrayLike<unknown>, result.shape, result.stride);
  return { dtype: meta.dtype, shape, data: toData(meta.dtype, data, where, path) };
}

/** zarrita returns F-order (or transposed) data with its own strides; fieldbench arrays are row-major. */
function cOrder<T extends ArrayLike<unknown>>(
  data: T,
  shape: readonly number[],
  stride: readonly number[],
): T | unknown[] {
  let expect = 1;
  let contiguous = true;
  for (let i = shape.length - 1; i >= 0; i--) {
    if ((shape[i] as number) > 1 && stride[i] !== expect) contiguous = false;
    expect *= shape[i] as number;
  }
  if (contiguous) return data;
  const n = expect;
  // zarrita's BoolArray and string arrays index through get(), not [].
  const source =
    typeof (data as { get?: unknown }).get === "function" ? Array.from(data as unknown as Iterable<unknown>) : data;
  const out = ArrayBuffer.isView(source)
    ? new (source.constructor as new (n: number) => { [i: number]: unknown })(n)
    : new Array<unknown>(n);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    out[i] = (source as ArrayLike<unknown>)[src];
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      src += stride[d] as number;
      if ((index[d] as number) < (shape[d] as number)) break;
      src -= (stride[d] as number) * (shape[d] as number);
      index[d] = 0;
    }
  }
  return out as T | unknown[];
}

/** zarrita's bool and string arrays become fieldbench's uint8 and string[]. */
function toData(dtype: DType, data: unknown, where: string, path: string): NumericArray | string[] {
  if (dtype === "string") {
    return Array.from(data as ArrayLike<unknown> & Iterable<unknown>, (v) => (typeof v === "string" ? v : String(v)));
  }
  if (ArrayBuffer.isView(data)) {
    if (dtype === "uint8" && !(data instanceof Uint8Array))
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return data as NumericArray;
  }
  const values = Array.from(data as ArrayLike<unknown> & Iterable<unknown>);
  const out = allocateArray(dtype as NumericDType, values.length);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    values.forEach((v, i) => {
      out[i] = typeof v === "bigint" ? v : BigInt(Number(v));
    });
  } else if (values.every((v) => typeof v === "number" || typeof v === "boolean")) {
    values.forEach((v, i) => {
      out[i] = Number(v);
    });
  } else {
    throw new FieldbenchError("CORRUPT_FILE", `${where}: decoded values are not ${dtype}`, { path });
  }
  return out;
}

/**
 * zarrita's tagged errors and anything a codec throws on corrupt bytes become FieldbenchErrors naming the
 * store, so callers of openZarrStore (not only openFile) see one error type.
 */
function asFieldbenchError(err: unknown, what: string, path: string): FieldbenchError {
  if (err instanceof FieldbenchError) return err;
  const inner = firstFieldbenchCause(err);
  if (inner !== undefined) return inner;
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0]?.slice(0, 200) ?? "";
  if (zarr.isZarritaError(err, "UnknownCodecError")) {
    return new FieldbenchError("FILTER_UNSUPPORTED", `${what}: codec ${err.codec} cannot be decoded`, {
      path,
      cause: err,
    });
  }
  if (zarr.isZarritaError(err, "UnsupportedError")) {
    return new FieldbenchError("UNSUPPORTED", `${what}: ${message}`, { path, cause: err });
  }
  return new FieldbenchError("CORRUPT_FILE", `${what} (${message})`, { path, cause: err });
}

/** A FieldbenchError thrown inside zarrita's pipeline (by our store or chunk guard) comes back wrapped. */
function firstFieldbenchCause(err: unknown): FieldbenchError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof FieldbenchError) return current;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}
