import { BitReader } from "./bits.js";

/**
 * Adaptive entropy decoding (CCSDS 121.0-B, the "AEC" of libaec) for GRIB2 data representation
 * template 5.42, written from the standard and checked against eccodes + libaec output.
 *
 * The stream is a sequence of coded data sets (CDS), one per block of `blockSize` samples. Every
 * `rsi` blocks start a reference sample interval; with preprocessing on, the first sample of each
 * interval is a raw reference and the other samples are mapped prediction residuals (unit-delay
 * predictor). Each CDS starts with an option id of `idLength` bits:
 * - 0: low entropy, one more bit chooses zero-block runs (0) or the second extension (1);
 * - 1 .. 2^idLength - 2: split samples with k = id - 1 (k = 0 is the fundamental sequence);
 * - all ones: uncompressed samples.
 */
export interface AecParams {
  readonly bitsPerSample: number;
  readonly blockSize: number;
  readonly rsi: number;
  /** libaec flags: 1 signed, 2 3-byte, 4 MSB, 8 preprocess, 16 restricted, 32 pad RSI. */
  readonly flags: number;
}

export const AEC_DATA_SIGNED = 1;
export const AEC_DATA_PREPROCESS = 8;
export const AEC_RESTRICTED = 16;
export const AEC_PAD_RSI = 32;

/** Remainder-of-segment marker in zero-block counts. */
const ROS = 5;

export class AecError extends Error {}

/** Number of bits of the option id (CCSDS 121.0-B table 5-1 plus the restricted set of 121.0-B-3). */
export function aecIdLength({ bitsPerSample, flags }: AecParams): number {
  if (bitsPerSample > 16) return 5;
  if (bitsPerSample > 8) return 4;
  if (flags & AEC_RESTRICTED && bitsPerSample <= 4) return bitsPerSample <= 2 ? 1 : 2;
  return 3;
}

/** Checks the parameters a file declares before any decoding. Returns a reason, or undefined if valid. */
export function aecParamsProblem(p: AecParams): string | undefined {
  if (!Number.isInteger(p.bitsPerSample) || p.bitsPerSample < 1 || p.bitsPerSample > 32)
    return `CCSDS bits per sample ${p.bitsPerSample} is outside 1..32`;
  if (![8, 16, 32, 64].includes(p.blockSize) && !(p.flags & 64 && p.blockSize > 0 && p.blockSize % 2 === 0))
    return `CCSDS block size ${p.blockSize} is not 8, 16, 32 or 64`;
  if (!Number.isInteger(p.rsi) || p.rsi < 1 || p.rsi > 4096)
    return `CCSDS reference sample interval ${p.rsi} is outside 1..4096`;
  if (p.flags & AEC_DATA_SIGNED) return "CCSDS signed samples are not used by GRIB2 and are not decoded";
  return undefined;
}

/**
 * Decodes `count` unsigned samples from `bytes[start, end)`. Throws AecError when the stream ends early
 * or holds an impossible code; the caller names the file and message.
 */
export function aecDecode(bytes: Uint8Array, start: number, end: number, count: number, p: AecParams): Float64Array {
  const problem = aecParamsProblem(p);
  if (problem !== undefined) throw new AecError(problem);
  const out = new Float64Array(count);
  const bits = new BitReader(bytes, start, end);
  const n = p.bitsPerSample;
  const blockSize = p.blockSize;
  const idLength = aecIdLength(p);
  const uncompressedId = 2 ** idLength - 1;
  const preprocess = (p.flags & AEC_DATA_PREPROCESS) !== 0;
  const xmax = 2 ** n - 1;
  const rsiSamples = p.rsi * blockSize;
  // One interval of raw (mapped) samples, reconstructed into `out` when the interval is complete.
  const rsiBuffer = new Float64Array(rsiSamples);
  let written = 0;

  while (written < count) {
    let used = 0;
    const intervalSamples = Math.min(rsiSamples, roundUp(count - written, blockSize));
    while (used < intervalSamples) {
      const withRef = preprocess && used === 0;
      const id = bits.read(idLength);
      if (id === 0) {
        const secondExtension = bits.read(1) === 1;
        if (withRef) rsiBuffer[used++] = bits.read(n);
        if (secondExtension) {
          for (let i = withRef ? 1 : 0; i < blockSize; ) {
            const m = bits.readFs();
            if (m > 90 || bits.overrun)
              throw new AecError("second-extension codeword out of range or stream cut short");
            const [sum, start] = SE_TABLE[m] as [number, number];
            const d1 = m - start;
            if ((i & 1) === 0) {
              rsiBuffer[used++] = sum - d1;
              i++;
            }
            rsiBuffer[used++] = d1;
            i++;
          }
        } else {
          let zeroBlocks = bits.readFs() + 1;
          if (zeroBlocks === ROS) {
            const b = Math.floor(used / blockSize);
            zeroBlocks = Math.min(p.rsi - b, 64 - (b % 64));
          } else if (zeroBlocks > ROS) {
            zeroBlocks--;
          }
          const zeros = zeroBlocks * blockSize - (withRef ? 1 : 0);
          if (used + zeros > rsiSamples) throw new AecError("zero-block run longer than its reference sample interval");
          rsiBuffer.fill(0, used, used + zeros);
          used += zeros;
        }
      } else if (id === uncompressedId) {
        for (let i = 0; i < blockSize; i++) rsiBuffer[used++] = bits.read(n);
      } else {
        if (withRef) rsiBuffer[used++] = bits.read(n);
        const coded = blockSize - (withRef ? 1 : 0);
        decodeSplit(bits, rsiBuffer, used, coded, id - 1);
        used += coded;
      }
      if (bits.overrun) throw new AecError(`stream ends after ${written + used} of ${count} samples`);
    }
    const take = Math.min(used, count - written);
    if (preprocess) {
      unmapInterval(rsiBuffer, take, out, written, xmax);
    } else {
      out.set(rsiBuffer.subarray(0, take), written);
    }
    written += take;
    if (p.flags & AEC_PAD_RSI) bits.alignToByte();
  }
  return out;
}

/**
 * Split-sample option with k low bits: first the fundamental-sequence codes of the high parts of all
 * samples, then their k-bit low parts (CCSDS 121.0-B 3.4.2). Kept small so V8 optimises it on its own.
 */
function decodeSplit(bits: BitReader, buffer: Float64Array, at: number, coded: number, k: number): void {
  const scale = 1 << k; // k <= 29: option ids have at most 5 bits
  for (let i = 0; i < coded; i++) buffer[at + i] = bits.readFs() * scale;
  if (k > 0) for (let i = 0; i < coded; i++) buffer[at + i] = (buffer[at + i] as number) + bits.read(k);
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Inverts the unit-delay predictor and the residual mapping of CCSDS 121.0-B section 4 for unsigned
 * samples in [0, xmax]: the first sample of an interval is the reference itself.
 */
function unmapInterval(mapped: Float64Array, take: number, out: Float64Array, at: number, xmax: number): void {
  let x = mapped[0] as number;
  out[at] = x;
  const half = Math.floor(xmax / 2) + 1;
  if (xmax < 2 ** 30) {
    // Small integers: the same arithmetic with int32 operations.
    for (let i = 1; i < take; i++) {
      const d = (mapped[i] as number) | 0;
      const theta = x >= half ? xmax - x : x;
      if ((d + 1) >>> 1 <= theta) x += d & 1 ? -((d + 1) >>> 1) : d >>> 1;
      else x = x >= half ? xmax - d : d;
      out[at + i] = x;
    }
    return;
  }
  for (let i = 1; i < take; i++) {
    const d = mapped[i] as number;
    // theta: distance of the prediction to the nearer end of the range.
    const theta = x >= half ? xmax - x : x;
    const halfD = Math.ceil(d / 2);
    if (halfD <= theta) {
      x += d % 2 === 0 ? d / 2 : -(d + 1) / 2;
    } else {
      x = x >= half ? xmax - d : d;
    }
    out[at + i] = x;
  }
}

/** Second-extension codeword m -> [sum of the pair, first codeword of that sum]: m = sum(sum+1)/2 + second. */
const SE_TABLE: readonly (readonly [number, number])[] = (() => {
  const table: [number, number][] = [];
  for (let sum = 0; sum <= 12; sum++) {
    const start = table.length;
    for (let j = 0; j <= sum; j++) table.push([sum, start]);
  }
  return table;
})();
