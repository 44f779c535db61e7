/** Exact powers of ten: m * 10^k and m / 10^k are correctly rounded for m < 2^53 and k <= 22 (Clinger). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_DIGITS = 15;

/**
 * Parses the decimal number in bytes [start, end) (sign, digits, point, exponent; no spaces) exactly as
 * Number() would, without making a string: the fast path of Clinger's algorithm, with Number() as the
 * fallback for long mantissas and large exponents. NaN for anything that is not a finite number.
 */
export function parseNumber(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  const first = bytes[i];
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let scale = 0;
  let c = bytes[i] as number;
  while (i < end && c >= 48 && c <= 57) {
    if (mantissa !== 0 || c !== 48) significant++;
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    c = bytes[++i] as number;
  }
  if (i < end && c === 46) {
    c = bytes[++i] as number;
    while (i < end && c >= 48 && c <= 57) {
      if (mantissa !== 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      scale--;
      c = bytes[++i] as number;
    }
  }
  if (digits === 0) return Number.NaN;
  if (i < end && (c === 101 || c === 69)) {
    c = bytes[++i] as number;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = bytes[++i] as number;
    }
    let exponent = 0;
    let expDigits = 0;
    while (i < end && c >= 48 && c <= 57 && expDigits < 6) {
      exponent = exponent * 10 + (c - 48);
      expDigits++;
      c = bytes[++i] as number;
    }
    if (expDigits === 0) return Number.NaN;
    scale += expNegative ? -exponent : exponent;
  }
  if (i !== end) return Number.NaN;
  if (significant > MAX_EXACT_DIGITS || scale > 22 || scale < -22) {
    const value = Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1"));
    return Number.isFinite(value) ? value : Number.NaN;
  }
  const value =
    scale === 0 ? mantissa : scale > 0 ? mantissa * (POW10[scale] as number) : mantissa / (POW10[-scale] as number);
  return negative ? -value : value;
}

/**
 * Parses comma-separated numbers of bytes [start, end) into `out` (as far as it reaches); returns the
 * number of fields. Fields that are not numbers come out NaN.
 */
export function parseFields(bytes: Uint8Array, start: number, end: number, out: Float64Array): number {
  let n = 0;
  let fieldStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || bytes[i] === 44) {
      if (n < out.length) out[n] = parseNumber(bytes, fieldStart, i);
      n++;
      fieldStart = i + 1;
    }
  }
  return n;
}

/** Text of field `index` of a line (for error messages). */
export function fieldText(bytes: Buffer, start: number, end: number, index: number): string {
  return bytes.toString("latin1", start, end).split(",")[index] ?? "";
}
