/**
 * A big-endian bit reader over a byte range, as GRIB2 and CCSDS 121.0-B pack their integers (most
 * significant bit first). Reading past the end sets `overrun` instead of throwing, so a hot loop can
 * check once per block; callers turn that into CORRUPT_FILE with the file and message named.
 */
export class BitReader {
  private readonly bytes: Uint8Array;
  /** Absolute bit position from the start of `bytes`. */
  pos: number;
  private readonly endBit: number;
  overrun = false;

  constructor(bytes: Uint8Array, startByte = 0, endByte = bytes.length) {
    this.bytes = bytes;
    this.pos = startByte * 8;
    this.endBit = Math.min(endByte, bytes.length) * 8;
  }

  get remainingBits(): number {
    return this.endBit - this.pos;
  }

  /** Reads an unsigned integer of `n` bits, 0 <= n <= 32. */
  read(n: number): number {
    if (n === 0) return 0;
    if (this.pos + n > this.endBit) {
      this.overrun = true;
      this.pos = this.endBit;
      return 0;
    }
    let value = 0;
    let pos = this.pos;
    let left = n;
    const bytes = this.bytes;
    while (left > 0) {
      const byte = bytes[pos >>> 3] as number;
      const bitInByte = pos & 7;
      const take = Math.min(8 - bitInByte, left);
      const chunk = (byte >>> (8 - bitInByte - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk;
      pos += take;
      left -= take;
    }
    this.pos = pos;
    return value;
  }

  /** Counts zero bits up to and including the next one bit (a CCSDS fundamental sequence codeword). */
  readFs(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    const start = pos;
    // Skip whole zero bytes quickly: long runs occur in zero-block counts and noisy residuals.
    while (pos < this.endBit) {
      if ((pos & 7) === 0 && pos + 8 <= this.endBit && bytes[pos >>> 3] === 0) {
        pos += 8;
        continue;
      }
      const bit = ((bytes[pos >>> 3] as number) >>> (7 - (pos & 7))) & 1;
      pos++;
      if (bit === 1) {
        this.pos = pos;
        return pos - start - 1;
      }
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
