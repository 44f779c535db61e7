/**
 * EBCDIC code page 037 (what SEG-Y textual headers use) to ASCII, generated from Python's cp037 codec.
 * Bytes without a printable ASCII equivalent map to 0 and decode as a space.
 */
const CP037_TO_ASCII = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 46, 60,
  40, 43, 124, 38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 33, 36, 42, 41, 59, 0, 45, 47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 44, 37, 95, 62,
  63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 96, 58, 35, 64, 39, 61, 34, 0, 97, 98, 99, 100, 101, 102, 103, 104, 105, 0, 0, 0, 0, 0,
  0, 0, 106, 107, 108, 109, 110, 111, 112, 113, 114, 0, 0, 0, 0, 0, 0, 0, 126, 115, 116, 117, 118, 119, 120, 121, 122,
  0, 0, 0, 0, 0, 0, 94, 0, 0, 0, 0, 0, 0, 0, 0, 0, 91, 93, 0, 0, 0, 0, 123, 65, 66, 67, 68, 69, 70, 71, 72, 73, 0, 0, 0,
  0, 0, 0, 125, 74, 75, 76, 77, 78, 79, 80, 81, 82, 0, 0, 0, 0, 0, 0, 92, 0, 83, 84, 85, 86, 87, 88, 89, 90, 0, 0, 0, 0,
  0, 0, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 0, 0, 0, 0, 0, 0,
]);

/** True when the 3200 bytes read better as EBCDIC than as ASCII (more printable characters). */
export function isEbcdic(bytes: Uint8Array): boolean {
  let ascii = 0;
  let ebcdic = 0;
  for (const b of bytes) {
    if (b >= 0x20 && b < 0x7f) ascii++;
    if (CP037_TO_ASCII[b] !== 0) ebcdic++;
  }
  return ebcdic > ascii;
}

/** Decodes a textual header (3200 bytes, 40 cards of 80 characters) into lines, trailing blanks trimmed. */
export function decodeTextualHeader(bytes: Uint8Array, ebcdic: boolean): string {
  const chars = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    const code = ebcdic ? (CP037_TO_ASCII[b] as number) : b >= 0x20 && b < 0x7f ? b : 0;
    chars[i] = code === 0 ? " " : String.fromCharCode(code);
  }
  const text = chars.join("");
  const lines: string[] = [];
  for (let start = 0; start < text.length; start += 80) lines.push(text.slice(start, start + 80).trimEnd());
  return lines.join("\n");
}
