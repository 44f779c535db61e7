/**
 * GRIB2 integers are big-endian; signed ones use sign and magnitude (the top bit is the sign), not
 * two's complement. Indexes here are 0-based byte offsets within a section (octet k is index k - 1).
 */
export function u8(b: Uint8Array, i: number): number {
  return b[i] ?? 0;
}

export function u16(b: Uint8Array, i: number): number {
  return u8(b, i) * 256 + u8(b, i + 1);
}

export function u32(b: Uint8Array, i: number): number {
  return u8(b, i) * 2 ** 24 + u8(b, i + 1) * 65536 + u8(b, i + 2) * 256 + u8(b, i + 3);
}

export function u64(b: Uint8Array, i: number): number {
  return u32(b, i) * 2 ** 32 + u32(b, i + 4);
}

export function s8(b: Uint8Array, i: number): number {
  const v = u8(b, i);
  return v & 0x80 ? -(v & 0x7f) : v;
}

export function s16(b: Uint8Array, i: number): number {
  const v = u16(b, i);
  return v & 0x8000 ? -(v & 0x7fff) : v;
}

export function s32(b: Uint8Array, i: number): number {
  const v = u32(b, i);
  return v >= 2 ** 31 ? -(v - 2 ** 31) : v;
}

/** An IEEE 754 single-precision float (the GRIB2 reference value R). */
export function f32(b: Uint8Array, i: number): number {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return i + 4 <= b.byteLength ? view.getFloat32(i, false) : 0;
}

/** All ones in an n-byte field means "missing" in GRIB2. */
export function isAllOnes(value: number, bytes: number): boolean {
  return value === 2 ** (8 * bytes) - 1;
}
