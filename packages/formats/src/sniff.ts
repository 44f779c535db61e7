// Byte tests the readers' own `sniff` use (registry.ts asks each reader in turn): cheap and pure, from bytes,
// never from the file extension.

export function isNetcdf3(head: Uint8Array): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x43 &&
    head[1] === 0x44 &&
    head[2] === 0x46 &&
    [1, 2, 5].includes(head[3] as number)
  );
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 puts its superblock at 0, 512, 1024, 2048, ... (after an optional user block). */
export function hdf5SuperblockOffset(head: Uint8Array): number | undefined {
  for (let offset = 0; offset + 8 <= head.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_MAGIC.every((b, i) => head[offset + i] === b)) return offset;
  }
  return undefined;
}

export function isNpy(head: Uint8Array): boolean {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  return head.length >= 10 && magic.every((b, i) => head[i] === b);
}

export function isGrib2(head: Uint8Array): boolean {
  return (
    head.length >= 16 && head[0] === 0x47 && head[1] === 0x52 && head[2] === 0x49 && head[3] === 0x42 && head[7] === 2
  );
}

const SEGY_FORMAT_CODES = new Set([1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 15, 16]);

/**
 * SEG-Y has no magic number: a 3200-byte textual header whose first card starts with "C" (EBCDIC 0xC3 or
 * ASCII), then a 400-byte binary header with a known sample-format code (bytes 3225-3226) and a non-zero
 * sample count (3221-3222), in either byte order.
 */
export function isSegy(head: Uint8Array): boolean {
  if (head.length < 3600) return false;
  if (head[0] !== 0xc3 && head[0] !== 0x43) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (const little of [false, true]) {
    const format = view.getUint16(3224, little);
    const samples = view.getUint16(3220, little);
    if (SEGY_FORMAT_CODES.has(format) && samples > 0) return true;
  }
  // 40 cards that all start with "C" are a SEG-Y textual header even when the binary header is broken
  // (unknown format code, zero samples): the reader then says what is wrong instead of "unknown format".
  for (let card = 0; card < 40; card++) if (head[card * 80] !== 0xc3 && head[card * 80] !== 0x43) return false;
  return true;
}

/**
 * FLUXNET/AmeriFlux CSV: text whose first non-comment line is a header naming a TIMESTAMP column
 * (FLUXNET2015 and ONEFlux: TIMESTAMP_START/TIMESTAMP_END or TIMESTAMP; AmeriFlux BASE after `#` lines).
 */
export function isFluxnetCsv(head: Uint8Array): boolean {
  const probeLength = Math.min(head.length, 8192);
  for (let i = 0; i < probeLength; i++) {
    const b = head[i] as number;
    if (b === 0 || (b < 0x09 && b !== 0x09) || b > 0x7e) return false;
  }
  const text = Buffer.from(head.subarray(0, probeLength)).toString("latin1");
  const header = text.split(/\r?\n/).find((line) => line.trim() !== "" && !line.startsWith("#"));
  if (header === undefined) return false;
  const columns = header.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
  return columns.length >= 2 && columns.some((c) => c === "TIMESTAMP" || c === "TIMESTAMP_START");
}

export function isZarrListing(entries: readonly string[]): boolean {
  return entries.some((e) => e === ".zarray" || e === ".zgroup" || e === ".zmetadata" || e === "zarr.json");
}
