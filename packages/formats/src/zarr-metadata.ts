import { type AttrValue, type Attrs, type DType, FieldbenchError, isFieldbenchError } from "@fieldbench/core";
import { parsePythonJson } from "./zarr-json.js";

/** One array as its metadata declares it, checked before zarrita sees it. */
export interface ZarrArrayMeta {
  readonly kind: "array";
  readonly version: 2 | 3;
  readonly shape: number[];
  /** The chunk grid (for a sharded array: the shard shape). */
  readonly chunks: number[];
  /** The shape zarrita decodes and allocates per read unit (inner chunk for sharded arrays). */
  readonly decodeChunks: number[];
  /** The data type in zarrita's vocabulary (`float32`, `bool`, `v2:U8`, ...). */
  readonly zarrType: string;
  readonly dtype: DType;
  readonly fillValue: unknown;
  /** Codec names for display, in storage order (`shuffle`, `zlib`; `sharding_indexed(bytes, gzip)`). */
  readonly codecNames: string[];
  /** Names to look up in zarrita's registry to know whether we can decode. */
  readonly registryNames: string[];
  /** Raw attributes, `_ARRAY_DIMENSIONS` included. */
  readonly rawAttrs: Record<string, unknown>;
  readonly dimensionNames?: (string | null)[];
  /** Why fieldbench cannot read this (valid) array, e.g. a complex dtype; such arrays are not listed. */
  readonly unsupported?: string;
}

export interface ZarrGroupMeta {
  readonly kind: "group";
  readonly version: 2 | 3;
  readonly rawAttrs: Record<string, unknown>;
}

export type ZarrNodeMeta = ZarrArrayMeta | ZarrGroupMeta;

const V2_TYPES: Record<string, string> = {
  b1: "bool",
  i1: "int8",
  u1: "uint8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  f2: "float16",
  f4: "float32",
  f8: "float64",
};

const NUMERIC: Record<string, DType> = {
  bool: "uint8",
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  int64: "int64",
  uint64: "uint64",
  float32: "float32",
  float64: "float64",
};

/** Most rank a Zarr array may declare here; real data sets stay far below. */
const MAX_RANK = 32;

export function parseJson(bytes: Uint8Array, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parsePythonJson(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new FieldbenchError("CORRUPT_FILE", `${where}: not valid JSON`, { path: where, cause });
  }
  if (!isObject(value)) throw new FieldbenchError("CORRUPT_FILE", `${where}: not a JSON object`, { path: where });
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function corrupt(where: string, why: string): never {
  throw new FieldbenchError("CORRUPT_FILE", `${where}: ${why}`, { path: where });
}

function extents(value: unknown, where: string, what: string, positive: boolean): number[] {
  if (!Array.isArray(value) || value.length > MAX_RANK)
    corrupt(where, `${what} must be a list of at most ${MAX_RANK} integers`);
  return value.map((v) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < (positive ? 1 : 0)) {
      corrupt(where, `${what} holds ${JSON.stringify(v)}, not a ${positive ? "positive" : "non-negative"} integer`);
    }
    return v;
  });
}

function zarrTypeToDType(zarrType: string, where: string): DType {
  const numeric = NUMERIC[zarrType];
  if (numeric !== undefined) return numeric;
  if (zarrType === "string" || zarrType === "v2:object" || /^v2:[US]\d+$/.test(zarrType)) return "string";
  if (zarrType === "float16") throw unsupportedType(where, "float16 (Node 20 has no Float16Array)");
  if (/^(complex\d+|r\d+|v2:[cmMV].*)$/.test(zarrType)) throw unsupportedType(where, zarrType.replace(/^v2:/, ""));
  return corrupt(where, `unknown data type ${JSON.stringify(zarrType).slice(0, 60)}`);
}

/** The fieldbench dtype, or (for a valid type we do not read) the reason, so the rest of the store still opens. */
function dtypeOrReason(zarrType: string, where: string): { dtype: DType; unsupported?: string } {
  try {
    return { dtype: zarrTypeToDType(zarrType, where) };
  } catch (err) {
    if (!isFieldbenchError(err, "UNSUPPORTED")) throw err;
    return { dtype: "uint8", unsupported: err.message };
  }
}

/** A valid Zarr data type fieldbench does not read (complex, datetime, raw bits, structured). */
function unsupportedType(where: string, what: string): FieldbenchError {
  return new FieldbenchError("UNSUPPORTED", `${where}: arrays of ${what.slice(0, 60)} are not read`, { path: where });
}

function v2Type(dtype: unknown, where: string): string {
  if (dtype === "|O") return "v2:object";
  if (Array.isArray(dtype)) throw unsupportedType(where, "a structured dtype");
  if (typeof dtype !== "string") return corrupt(where, "dtype must be a string");
  // Complex, datetime/timedelta and void types are valid numpy dtypes that fieldbench does not read.
  if (/^[<>|]([cV]\d+|[mM]8(\[\w+\])?)$/.test(dtype)) return `v2:${dtype.slice(1)}`;
  const match = /^([<>|])([a-zA-Z]\d+)$/.exec(dtype);
  if (match === null) return corrupt(where, `unknown dtype ${JSON.stringify(dtype).slice(0, 60)}`);
  const rest = match[2] as string;
  const mapped = V2_TYPES[rest];
  if (mapped !== undefined) return mapped;
  if (/^[US]\d+$/.test(rest) && Number(rest.slice(1)) > 0 && Number(rest.slice(1)) <= 1 << 20) return `v2:${rest}`;
  return corrupt(where, `unknown dtype ${dtype}`);
}

function codecId(value: unknown, where: string): string {
  if (!isObject(value) || typeof value.id !== "string" || value.id === "")
    corrupt(where, "a filter or compressor has no id");
  return value.id as string;
}

/** `.zarray` (+ its `.zattrs`), checked field by field. */
export function parseV2Array(
  zarray: Record<string, unknown>,
  attrs: Record<string, unknown>,
  where: string,
): ZarrArrayMeta {
  if (zarray.zarr_format !== 2) corrupt(where, "zarr_format is not 2");
  const shape = extents(zarray.shape, where, "shape", false);
  const chunks = extents(zarray.chunks, where, "chunks", true);
  if (chunks.length !== shape.length) corrupt(where, `chunks has ${chunks.length} entries for ${shape.length} dims`);
  const zarrType = v2Type(zarray.dtype, where);
  if (zarray.order !== "C" && zarray.order !== "F") corrupt(where, 'order must be "C" or "F"');
  const sep = zarray.dimension_separator;
  if (sep !== undefined && sep !== null && sep !== "." && sep !== "/")
    corrupt(where, 'dimension_separator must be "." or "/"');
  if (zarray.filters !== null && zarray.filters !== undefined && !Array.isArray(zarray.filters)) {
    corrupt(where, "filters must be a list or null");
  }
  if (zarray.compressor !== null && zarray.compressor !== undefined && !isObject(zarray.compressor)) {
    corrupt(where, "compressor must be an object or null");
  }
  const filterIds = ((zarray.filters as unknown[] | null | undefined) ?? []).map((f) => codecId(f, where));
  const compressorId =
    zarray.compressor === null || zarray.compressor === undefined ? [] : [codecId(zarray.compressor, where)];
  const ids = [...filterIds, ...compressorId];
  const dimensionNames = stringList(attrs._ARRAY_DIMENSIONS, shape.length);
  return {
    kind: "array",
    version: 2,
    shape,
    chunks,
    decodeChunks: chunks,
    zarrType,
    ...dtypeOrReason(zarrType, where),
    fillValue: zarray.fill_value,
    codecNames: ids,
    registryNames: ids.map((id) => (id === "fixedscaleoffset" ? "scale_offset" : `numcodecs.${id}`)),
    rawAttrs: attrs,
    ...(dimensionNames === undefined ? {} : { dimensionNames }),
  };
}

function stringList(value: unknown, rank: number): (string | null)[] | undefined {
  if (!Array.isArray(value) || value.length !== rank) return undefined;
  if (!value.every((v) => v === null || typeof v === "string")) return undefined;
  return value as (string | null)[];
}

interface CodecEntry {
  name: string;
  configuration: Record<string, unknown>;
}

function codecList(value: unknown, where: string): CodecEntry[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 64)
    corrupt(where, "codecs must be a non-empty list");
  return value.map((c) => {
    if (!isObject(c) || typeof c.name !== "string") corrupt(where, "a codec has no name");
    const configuration = c.configuration ?? {};
    if (!isObject(configuration)) corrupt(where, `codec ${c.name} has a configuration that is not an object`);
    return { name: c.name as string, configuration };
  });
}

/** A v3 `zarr.json` for an array or group. */
export function parseV3Node(meta: Record<string, unknown>, where: string): ZarrNodeMeta {
  if (meta.zarr_format !== 3) corrupt(where, "zarr_format is not 3");
  const attrs = meta.attributes ?? {};
  if (!isObject(attrs)) corrupt(where, "attributes must be an object");
  if (meta.node_type === "group") return { kind: "group", version: 3, rawAttrs: attrs };
  if (meta.node_type !== "array") corrupt(where, 'node_type must be "array" or "group"');
  const shape = extents(meta.shape, where, "shape", false);
  const grid = meta.chunk_grid;
  if (!isObject(grid) || grid.name !== "regular" || !isObject(grid.configuration)) {
    corrupt(where, "only a regular chunk_grid is read");
  }
  const chunks = extents((grid.configuration as Record<string, unknown>).chunk_shape, where, "chunk_shape", true);
  if (chunks.length !== shape.length)
    corrupt(where, `chunk_shape has ${chunks.length} entries for ${shape.length} dims`);
  const keyEncoding = meta.chunk_key_encoding;
  if (!isObject(keyEncoding) || (keyEncoding.name !== "default" && keyEncoding.name !== "v2")) {
    corrupt(where, 'chunk_key_encoding must be "default" or "v2"');
  }
  const keyConfig = keyEncoding.configuration ?? {};
  if (!isObject(keyConfig)) corrupt(where, "chunk_key_encoding configuration must be an object");
  if (keyConfig.separator !== undefined && keyConfig.separator !== "." && keyConfig.separator !== "/") {
    corrupt(where, 'chunk key separator must be "." or "/"');
  }
  if (typeof meta.data_type !== "string") corrupt(where, "data_type must be a string (extension types are not read)");
  const zarrType = meta.data_type as string;
  const codecs = codecList(meta.codecs, where);
  const { names, registry, decodeChunks } = describeV3Codecs(codecs, chunks, where);
  const dimensionNames =
    meta.dimension_names === undefined ? undefined : stringList(meta.dimension_names, shape.length);
  if (meta.dimension_names !== undefined && meta.dimension_names !== null && dimensionNames === undefined) {
    corrupt(where, "dimension_names must list one name or null per dim");
  }
  return {
    kind: "array",
    version: 3,
    shape,
    chunks,
    decodeChunks,
    zarrType,
    ...dtypeOrReason(zarrType, where),
    fillValue: meta.fill_value,
    codecNames: names,
    registryNames: registry,
    rawAttrs: attrs,
    ...(dimensionNames === undefined ? {} : { dimensionNames }),
  };
}

function describeV3Codecs(
  codecs: CodecEntry[],
  chunks: number[],
  where: string,
): { names: string[]; registry: string[]; decodeChunks: number[] } {
  const sharding = codecs.find((c) => c.name === "sharding_indexed");
  if (sharding === undefined) {
    const names = codecs.map((c) => c.name);
    return { names, registry: names, decodeChunks: chunks };
  }
  const config = sharding.configuration;
  const inner = extents(config.chunk_shape, where, "sharding chunk_shape", true);
  if (inner.length !== chunks.length || inner.some((n, i) => (chunks[i] as number) % n !== 0)) {
    corrupt(where, "sharding chunk_shape must divide the shard shape in every dim");
  }
  const innerCodecs = codecList(config.codecs, where);
  const indexCodecs = codecList(config.index_codecs, where);
  if (config.index_location !== undefined && config.index_location !== "end" && config.index_location !== "start") {
    corrupt(where, 'sharding index_location must be "start" or "end"');
  }
  if (innerCodecs.some((c) => c.name === "sharding_indexed")) {
    throw new FieldbenchError("UNSUPPORTED", `${where}: nested sharding is not read`, { path: where });
  }
  const innerNames = innerCodecs.map((c) => c.name);
  return {
    names: [`sharding_indexed(${innerNames.join(", ")})`],
    registry: [...innerNames, ...indexCodecs.map((c) => c.name)],
    decodeChunks: inner,
  };
}

/** JSON attributes as fieldbench Attrs: nested objects and mixed lists become JSON text. */
export function toAttrs(raw: Record<string, unknown>, hidden: readonly string[] = []): Attrs {
  const out: Attrs = {};
  for (const [key, value] of Object.entries(raw)) {
    if (hidden.includes(key)) continue;
    out[key] = toAttrValue(value);
  }
  return out;
}

function toAttrValue(value: unknown): AttrValue {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "number")) return value as number[];
    if (value.every((v) => typeof v === "string")) return value as string[];
  }
  return JSON.stringify(value);
}
