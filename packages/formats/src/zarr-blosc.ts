/**
 * Blosc 1 frames (what zarr-python's numcodecs.Blosc writes) compressed with LZ4, with or without byte
 * shuffle, decoded in JavaScript. The wasm c-blosc that zarrita uses (numcodecs.js) copies every input byte
 * into the wasm heap one at a time through embind's string conversion and copies the output back out; for a
 * 1 MiB chunk that costs more than the decompression. Frames this decoder does not take (other codecs,
 * bit shuffle, delta) return undefined and go to c-blosc as before.
 *
 * Frame layout (c-blosc 1.x, blosc.c): a 16-byte header (format version, compressor version, flags,
 * typesize, nbytes, blocksize, cbytes, the three sizes little-endian uint32), then either the raw bytes
 * (flag MEMCPYED) or one int32 start offset per block followed by the blocks. A block is split into
 * `typesize` streams (one per byte of an element) when typesize <= 16,
 * blocksize / typesize >= 128, it is not the short last block, and flag 0x10 (no split) is clear; each
 * stream is an int32 compressed size and LZ4 data, or the raw bytes when that size equals the stream's.
 * (Splitting follows the element size, not the shuffle: an unshuffled frame of int16 is split in two.)
 */

const HEADER_BYTES = 16;
const DOSHUFFLE = 0x1;
const MEMCPYED = 0x2;
const DOBITSHUFFLE = 0x4;
const DODELTA = 0x8;
const NOSPLIT = 0x10;
const LZ4_FORMAT = 1;
const MAX_SPLITS = 16;
const MIN_BUFFERSIZE = 128;

/** Decodes a Blosc frame, or returns undefined when it is not one this decoder handles (or not valid). */
export function decodeBloscLz4(frame: Uint8Array, maxBytes: number): Uint8Array | undefined {
  if (frame.length < HEADER_BYTES) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const flags = frame[2] as number;
  const typesize = frame[3] as number;
  const nbytes = view.getUint32(4, true);
  const blocksize = view.getUint32(8, true);
  const cbytes = view.getUint32(12, true);
  if (nbytes > maxBytes || cbytes > frame.length || typesize === 0) return undefined;
  const out = new Uint8Array(nbytes);
  if (flags & MEMCPYED) {
    if (frame.length < HEADER_BYTES + nbytes) return undefined;
    out.set(frame.subarray(HEADER_BYTES, HEADER_BYTES + nbytes));
    return out;
  }
  if (flags & (DOBITSHUFFLE | DODELTA) || flags >> 5 !== LZ4_FORMAT || blocksize === 0) return undefined;
  if (nbytes === 0) return out;
  const nblocks = Math.ceil(nbytes / blocksize);
  if (HEADER_BYTES + 4 * nblocks > frame.length) return undefined;
  const shuffle = (flags & DOSHUFFLE) !== 0 && typesize > 1;
  const scratch = shuffle ? new Uint8Array(blocksize) : undefined;
  for (let b = 0; b < nblocks; b++) {
    const start = view.getInt32(HEADER_BYTES + 4 * b, true);
    const size = Math.min(blocksize, nbytes - b * blocksize);
    const leftover = size < blocksize;
    const splits =
      (flags & NOSPLIT) === 0 && typesize <= MAX_SPLITS && blocksize / typesize >= MIN_BUFFERSIZE && !leftover
        ? typesize
        : 1;
    const target =
      scratch === undefined ? out.subarray(b * blocksize, b * blocksize + size) : scratch.subarray(0, size);
    if (!decodeBlock(frame, start, target, splits)) return undefined;
    if (scratch !== undefined) unshuffle(scratch, size, typesize, out, b * blocksize);
  }
  return out;
}

/** The `splits` streams of one block, each a compressed size and LZ4 data (or raw bytes). */
function decodeBlock(frame: Uint8Array, start: number, target: Uint8Array, splits: number): boolean {
  const streamBytes = target.length / splits;
  if (!Number.isInteger(streamBytes)) return false;
  let at = start;
  for (let s = 0; s < splits; s++) {
    if (at < 0 || at + 4 > frame.length) return false;
    const compressed =
      (frame[at] as number) |
      ((frame[at + 1] as number) << 8) |
      ((frame[at + 2] as number) << 16) |
      ((frame[at + 3] as number) << 24);
    at += 4;
    if (compressed <= 0 || at + compressed > frame.length) return false;
    const dest = target.subarray(s * streamBytes, (s + 1) * streamBytes);
    if (compressed === streamBytes) dest.set(frame.subarray(at, at + compressed));
    else if (lz4Block(frame, at, at + compressed, dest) !== streamBytes) return false;
    at += compressed;
  }
  return true;
}

/**
 * One LZ4 block (the raw block format, no frame): sequences of a token, literals and a match copied from
 * earlier output. Returns the bytes written, or -1 on a malformed block.
 */
export function lz4Block(src: Uint8Array, start: number, end: number, dest: Uint8Array): number {
  let i = start;
  let o = 0;
  const limit = dest.length;
  while (i < end) {
    const token = src[i++] as number;
    let literals = token >>> 4;
    if (literals === 15) {
      let more: number;
      do {
        more = src[i++] as number;
        literals += more;
      } while (more === 255 && i < end);
    }
    if (i + literals > end || o + literals > limit) return -1;
    if (literals > 16) {
      dest.set(src.subarray(i, i + literals), o);
      i += literals;
      o += literals;
    } else {
      for (let k = 0; k < literals; k++) dest[o++] = src[i++] as number;
    }
    if (i >= end) break; // the last sequence has literals only
    const offset = (src[i] as number) | ((src[i + 1] as number) << 8);
    i += 2;
    let length = (token & 15) + 4;
    if ((token & 15) === 15) {
      let more: number;
      do {
        more = src[i++] as number;
        length += more;
      } while (more === 255 && i < end);
    }
    if (offset === 0 || offset > o || o + length > limit) return -1;
    let from = o - offset;
    if (offset >= length && length > 32) {
      dest.copyWithin(o, from, from + length);
      o += length;
    } else {
      // Overlapping matches repeat the last `offset` bytes: copy forwards byte by byte.
      for (let k = 0; k < length; k++) dest[o++] = dest[from++] as number;
    }
  }
  return o;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Byte unshuffle: stream j of a block holds byte j of every element; trailing bytes are not shuffled. */
function unshuffle(src: Uint8Array, size: number, typesize: number, out: Uint8Array, at: number): void {
  const elements = Math.floor(size / typesize);
  // Whole words at a time for 2-, 4- and 8-byte elements (strided byte stores are several times slower).
  if (LITTLE_ENDIAN_HOST && (typesize === 2 || typesize === 4 || typesize === 8) && (out.byteOffset + at) % 4 === 0) {
    unshuffleWords(src, elements, typesize, out, at);
  } else {
    unshuffleBytes(src, elements, typesize, out, at);
  }
  const tail = elements * typesize;
  if (tail < size) out.set(src.subarray(tail, size), at + tail);
}

function unshuffleWords(src: Uint8Array, n: number, typesize: number, out: Uint8Array, at: number): void {
  if (typesize === 2) {
    const o16 = new Uint16Array(out.buffer, out.byteOffset + at, n);
    for (let e = 0; e < n; e++) o16[e] = (src[e] as number) | ((src[n + e] as number) << 8);
    return;
  }
  const o32 = new Uint32Array(out.buffer, out.byteOffset + at, (n * typesize) / 4);
  if (typesize === 4) {
    for (let e = 0; e < n; e++) {
      o32[e] =
        (src[e] as number) |
        ((src[n + e] as number) << 8) |
        ((src[2 * n + e] as number) << 16) |
        ((src[3 * n + e] as number) << 24);
    }
    return;
  }
  for (let e = 0; e < n; e++) {
    o32[2 * e] =
      (src[e] as number) |
      ((src[n + e] as number) << 8) |
      ((src[2 * n + e] as number) << 16) |
      ((src[3 * n + e] as number) << 24);
    o32[2 * e + 1] =
      (src[4 * n + e] as number) |
      ((src[5 * n + e] as number) << 8) |
      ((src[6 * n + e] as number) << 16) |
      ((src[7 * n + e] as number) << 24);
  }
}

function unshuffleBytes(src: Uint8Array, elements: number, typesize: number, out: Uint8Array, at: number): void {
  for (let j = 0; j < typesize; j++) {
    const base = j * elements;
    for (let e = 0, o = at + j; e < elements; e++, o += typesize) out[o] = src[base + e] as number;
  }
}
