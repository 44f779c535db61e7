import { gunzipSync, inflateSync } from "node:zlib";
import { maxAllocationBytes } from "@fieldbench/core";
import * as zarr from "zarrita";
import { decodeBloscLz4 } from "./zarr-blosc.js";

/** Bytes per element of zarrita's fixed-size data types; undefined for variable-size ones (strings, objects). */
const ITEM_BYTES: Record<string, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

interface ChunkMeta {
  readonly dataType: string;
  readonly shape: readonly number[];
}

/**
 * The most bytes a chunk can decompress to: its declared element count times the item size, so a
 * crafted deflate stream (a "zip bomb") fails instead of inflating to gigabytes. Variable-size types
 * fall back to the allocation limit.
 */
function decodedLimit(meta: ChunkMeta): number {
  const item = ITEM_BYTES[meta.dataType];
  const elements = meta.shape.reduce((a, b) => a * b, 1);
  const limit = maxAllocationBytes();
  if (item === undefined || !Number.isFinite(elements)) return limit;
  // A little slack: some writers append a trailing checksum or padding inside the compressed payload.
  return Math.min(limit, elements * item + 1024);
}

type Inflate = (bytes: Uint8Array, options: { maxOutputLength: number }) => Buffer;

function boundedCodec(name: string, inflate: Inflate) {
  return {
    fromConfig(_config: unknown, meta: ChunkMeta) {
      const maxOutputLength = Math.max(1, decodedLimit(meta));
      return {
        kind: "bytes_to_bytes" as const,
        encode(): never {
          throw new Error(`${name} encode is not used by the reader`);
        },
        async decode(bytes: Uint8Array): Promise<Uint8Array> {
          const out = inflate(bytes, { maxOutputLength });
          return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        },
      };
    },
  };
}

interface BytesCodec {
  decode(bytes: Uint8Array): Promise<Uint8Array>;
}
type CodecLoader = () => Promise<{ fromConfig(config: unknown, meta: ChunkMeta): BytesCodec }>;

/**
 * Blosc: LZ4 frames (zarr-python's default cname) decode in JavaScript (zarr-blosc.ts), bounded by the
 * chunk's declared size; any other frame goes to zarrita's wasm c-blosc, created only when first needed.
 */
function bloscCodec(original: CodecLoader | undefined) {
  return {
    fromConfig(config: unknown, meta: ChunkMeta) {
      const maxBytes = Math.max(1, decodedLimit(meta));
      let fallback: Promise<BytesCodec> | undefined;
      return {
        kind: "bytes_to_bytes" as const,
        encode(): never {
          throw new Error("blosc encode is not used by the reader");
        },
        async decode(bytes: Uint8Array): Promise<Uint8Array> {
          const decoded = decodeBloscLz4(bytes, maxBytes);
          if (decoded !== undefined) return decoded;
          if (original === undefined) throw new Error("no blosc decoder registered");
          fallback ??= original().then((codec) => codec.fromConfig(config, meta));
          return (await fallback).decode(bytes);
        },
      };
    },
  };
}

let installed = false;

/**
 * Replaces zarrita's gzip/zlib decoders (WHATWG DecompressionStream, unbounded output) with node:zlib
 * bounded by the chunk's declared size; node's inflate is also faster. The registry is zarrita's global
 * Map (its documented extension point), so this affects every zarrita user in the process, for the better.
 */
export function installBoundedCodecs(): void {
  if (installed) return;
  installed = true;
  const gzip = boundedCodec("gzip", gunzipSync);
  const zlib = boundedCodec("zlib", inflateSync);
  // The registry's entry type is internal to zarrita; our codecs implement the same fromConfig/decode shape.
  const registry = zarr.registry as unknown as Map<string, () => Promise<unknown>>;
  for (const key of ["gzip", "numcodecs.gzip"]) registry.set(key, async () => gzip);
  for (const key of ["zlib", "numcodecs.zlib"]) registry.set(key, async () => zlib);
  for (const key of ["blosc", "numcodecs.blosc"]) {
    const blosc = bloscCodec(registry.get(key) as CodecLoader | undefined);
    registry.set(key, async () => blosc);
  }
}

/** True when zarrita's registry has a decoder for this codec name (`numcodecs.zlib`, `zstd`, ...). */
export function isCodecKnown(registryName: string): boolean {
  return registryName === "sharding_indexed" || zarr.registry.has(registryName);
}
