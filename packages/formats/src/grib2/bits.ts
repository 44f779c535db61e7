/**
 * A big-endian bit reader over a byte range, as GRIB2 and CCSDS 121.0-B pack their integers (most
 * significant bit first). Reading past the end sets `overrun` instead of throwing, so a hot loop can
 * check once per block; callers turn that into CORRUPT_FILE with the file and message named.
 */
export class BitReader {
  private readonly bytes: Uint8Array;
  /** Bit position from the start of the range read. */
  pos: number;
  private readonly endBit: number;
  overrun = false;

  constructor(bytes: Uint8Array, startByte = 0, endByte = bytes.length) {
    // A private copy with 8 zero bytes of tail padding: the 32-bit window in `read` may look past the
    // end without an out-of-bounds access (which would also deoptimise the hot loop).
    const end = Math.max(startByte, Math.min(endByte, bytes.length));
    this.bytes = new Uint8Array(end - startByte + 8);
    this.bytes.set(bytes.subarray(startByte, end));
    this.pos = 0;
    this.endBit = (end - startByte) * 8;
  }

  get remainingBits(): number {
    return this.endBit - this.pos;
  }

  /** Reads an unsigned integer of `n` bits, 0 <= n <= 32. */
  read(n: number): number {
    if (n === 0) return 0;
    const pos = this.pos;
    if (pos + n > this.endBit) {
      this.overrun = true;
      this.pos = this.endBit;
      return 0;
    }
    const shift = pos & 7;
    if (n + shift <= 32) {
      // One 32-bit window holds the whole value (bytes past the array read as 0 and are masked off).
      const b = this.bytes;
      const i = pos >>> 3;
      const word =
        (((b[i] as number) << 24) |
          ((b[i + 1] as number) << 16) |
          ((b[i + 2] as number) << 8) |
          (b[i + 3] as number)) >>>
        0;
      this.pos = pos + n;
      return n === 32 ? word : ((word << shift) >>> 0) >>> (32 - n);
    }
    const high = this.read(n - 16);
    return high * 65536 + this.read(16);
  }

  /** Counts zero bits up to and including the next one bit (a CCSDS fundamental sequence codeword). */
  readFs(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    const start = pos;
    // Fast path: the one bit lies within the next 25 bits (short codewords are by far the most common).
    const i = pos >>> 3;
    const window =
      ((((bytes[i] as number) << 24) |
        ((bytes[i + 1] as number) << 16) |
        ((bytes[i + 2] as number) << 8) |
        (bytes[i + 3] as number)) <<
        (pos & 7)) >>>
      0;
    if (window !== 0) {
      const next = pos + Math.clz32(window) + 1;
      if (next <= this.endBit) {
        this.pos = next;
        return next - start - 1;
      }
    }
    while (pos < this.endBit) {
      const shift = pos & 7;
      const byte = ((bytes[pos >>> 3] as number) << shift) & 0xff;
      if (byte === 0) {
        pos += 8 - shift;
        continue;
      }
      // Leading zeros of the remaining bits of this byte, then the one bit itself.
      pos += Math.clz32(byte) - 24 + 1;
      if (pos > this.endBit) break;
      this.pos = pos;
      return pos - start - 1;
    }
    this.overrun = true;
    this.pos = this.endBit;
    return 0;
  }

  /** Moves to the next byte boundary (GRIB2 pads each packed array to whole octets). */
  alignToByte(): void {
    this.pos = Math.min(this.endBit, Math.ceil(this.pos / 8) * 8);
  }
}
