import { FieldbenchError } from "@fieldbench/core";
import { decodeTextualHeader, isEbcdic } from "./ebcdic.js";
import { BINARY_FIELDS } from "./fields.js";
import { SAMPLE_FORMATS, type SampleFormat } from "./sample-formats.js";

export const TEXTUAL_HEADER_BYTES = 3200;
export const BINARY_HEADER_BYTES = 400;
export const TRACE_HEADER_BYTES = 240;
const BYTE_ORDER_MARKER = 0x01020304;
/** Rev 2 stanza that closes a variable number (-1) of extended textual headers. */
const END_TEXT = "((SEG: EndText))";
/** How far to look for that stanza, so a corrupt -1 cannot make us scan a whole multi-GB file. */
const MAX_VARIABLE_EXTENDED_HEADERS = 100;

/** Everything the first 3600 bytes (+ extended textual headers) say about how a SEG-Y file is laid out. */
export interface SegyLayout {
  readonly path: string;
  readonly fileSize: number;
  readonly littleEndian: boolean;
  readonly textualHeader: string;
  readonly textualEncoding: "ebcdic" | "ascii";
  readonly extendedTextualHeaders: readonly string[];
  /** segyio's BinField names to values, read in the file's byte order. */
  readonly binaryHeader: Readonly<Record<string, number>>;
  /** "0", "1.0", "2.1", ... from bytes 3501-3502. */
  readonly revision: string;
  readonly format: SampleFormat;
  readonly samplesPerTrace: number;
  readonly sampleIntervalUs: number;
  /** Byte offset of the first trace header. */
  readonly dataStart: number;
  /** Bytes of headers before each trace's samples: 240, plus 240 per rev 2 trace header extension. */
  readonly traceHeaderBytes: number;
  /** Bytes per trace, headers included. */
  readonly traceBytes: number;
  readonly traceCount: number;
}

/** What the reader needs to read beyond the first 3600 bytes (extended headers, trace 0's header). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

export async function readLayout(path: string, fileSize: number, readAt: ReadAt): Promise<SegyLayout> {
  const fail = (problem: string) => new FieldbenchError("CORRUPT_FILE", `${path}: ${problem}`, { path });
  if (fileSize < TEXTUAL_HEADER_BYTES + BINARY_HEADER_BYTES) {
    throw fail(`${fileSize} bytes is shorter than the 3600-byte SEG-Y textual and binary headers`);
  }
  const head = await readAt(0, TEXTUAL_HEADER_BYTES + BINARY_HEADER_BYTES);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const littleEndian = detectLittleEndian(view, path);
  const binaryHeader = readBinaryHeader(view, littleEndian);
  const revision = readRevision(head, littleEndian);
  const major = Number(revision.split(".")[0]);
  const formatCode = binaryHeader.Format as number;
  const format = SAMPLE_FORMATS.get(formatCode);
  if (format === undefined) {
    throw new FieldbenchError(
      "UNSUPPORTED",
      `${path}: unknown SEG-Y sample format code ${formatCode} in the binary header (bytes 3225-3226); known: ${[...SAMPLE_FORMATS.keys()].join(", ")}`,
      { path },
    );
  }
  const textBytes = head.subarray(0, TEXTUAL_HEADER_BYTES);
  const ebcdic = isEbcdic(textBytes);
  const extendedTextualHeaders = await readExtendedTextualHeaders(
    path,
    fileSize,
    major >= 1 ? (binaryHeader.ExtendedHeaders as number) : 0,
    ebcdic,
    readAt,
  );
  let dataStart = TEXTUAL_HEADER_BYTES + BINARY_HEADER_BYTES + TEXTUAL_HEADER_BYTES * extendedTextualHeaders.length;
  if (major >= 2) {
    // Rev 2: bytes 3521-3528 may say where the first trace starts (after extra headers we do not read).
    const firstTrace = Number(view.getBigUint64(3520, littleEndian));
    if (firstTrace !== 0) {
      if (firstTrace < dataStart || firstTrace > fileSize) {
        throw fail(`binary header puts the first trace at byte ${firstTrace}, outside ${dataStart}..${fileSize}`);
      }
      dataStart = firstTrace;
    }
  }
  let samplesPerTrace = (binaryHeader.Samples as number) & 0xffff;
  if (major >= 2) {
    const extended = view.getInt32(3268, littleEndian);
    if (extended !== 0) samplesPerTrace = extended;
  }
  let sampleIntervalUs = (binaryHeader.Interval as number) & 0xffff;
  if (major >= 2) {
    const extended = view.getFloat64(3272, littleEndian);
    if (extended > 0 && Number.isFinite(extended)) sampleIntervalUs = extended;
  }
  const firstTraceHeader =
    fileSize >= dataStart + TRACE_HEADER_BYTES ? await readAt(dataStart, TRACE_HEADER_BYTES) : undefined;
  if (firstTraceHeader !== undefined) {
    const th = new DataView(firstTraceHeader.buffer, firstTraceHeader.byteOffset, TRACE_HEADER_BYTES);
    // As segyio: a zero in the binary header falls back to the first trace header (bytes 115 and 117).
    if (samplesPerTrace === 0) samplesPerTrace = th.getUint16(114, littleEndian);
    if (sampleIntervalUs === 0) sampleIntervalUs = th.getUint16(116, littleEndian);
  }
  if (samplesPerTrace <= 0) throw fail(`binary header declares ${samplesPerTrace} samples per trace`);
  const extensions = major >= 2 ? view.getInt32(3506, littleEndian) : 0;
  if (extensions < 0 || extensions > 1000) {
    throw fail(`binary header declares ${extensions} additional trace headers (bytes 3507-3510)`);
  }
  // Rev 2: every trace may carry up to that many 240-byte header extensions between its standard header
  // and its samples; fixed-length files (the only kind read here) give each trace the maximum.
  const traceHeaderBytes = TRACE_HEADER_BYTES * (1 + extensions);
  const traceBytes = traceHeaderBytes + samplesPerTrace * format.bytes;
  const available = fileSize - dataStart;
  if (available > 0 && traceBytes > available) {
    throw fail(
      `binary header declares ${samplesPerTrace} samples per trace (${traceBytes} bytes a trace), more than the ${available} bytes after the headers`,
    );
  }
  const traceCount = countTraces(path, view, major, littleEndian, available, traceBytes);
  return {
    path,
    fileSize,
    littleEndian,
    textualHeader: decodeTextualHeader(textBytes, ebcdic),
    textualEncoding: ebcdic ? "ebcdic" : "ascii",
    extendedTextualHeaders,
    binaryHeader,
    revision,
    format,
    samplesPerTrace,
    sampleIntervalUs,
    dataStart,
    traceHeaderBytes,
    traceBytes,
    traceCount,
  };
}

/**
 * The rev 2 marker 0x01020304 at bytes 3297-3300 decides when present. Otherwise (rev 0/1, and segyio's
 * little-endian files, which carry no marker) the byte order whose sample-format code is a known one wins.
 */
function detectLittleEndian(view: DataView, path: string): boolean {
  const marker = view.getUint32(3296, false);
  if (marker === BYTE_ORDER_MARKER) return false;
  if (marker === 0x04030201) return true;
  if (SAMPLE_FORMATS.has(view.getUint16(3224, false))) return false;
  if (SAMPLE_FORMATS.has(view.getUint16(3224, true))) return true;
  const code = view.getInt16(3224, false);
  throw new FieldbenchError(
    "UNSUPPORTED",
    `${path}: unknown SEG-Y sample format code ${code} in the binary header (bytes 3225-3226); known: ${[...SAMPLE_FORMATS.keys()].join(", ")}`,
    { path },
  );
}

function readBinaryHeader(view: DataView, little: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, byte, width] of BINARY_FIELDS) {
    const offset = byte - 1;
    out[name] = width === 4 ? view.getInt32(offset, little) : view.getInt16(offset, little);
  }
  return out;
}

/** Rev 2 stores major and minor as single bytes (3501, 3502); rev 1 wrote 0x0100 as a 16-bit word. */
function readRevision(head: Uint8Array, little: boolean): string {
  let major = head[3500] as number;
  let minor = head[3501] as number;
  if (little && major === 0 && minor > 0) [major, minor] = [minor, 0];
  return major === 0 ? "0" : `${major}.${minor}`;
}

async function readExtendedTextualHeaders(
  path: string,
  fileSize: number,
  declared: number,
  ebcdic: boolean,
  readAt: ReadAt,
): Promise<string[]> {
  const room = Math.floor((fileSize - 3600) / TEXTUAL_HEADER_BYTES);
  if (declared > room) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${path}: binary header declares ${declared} extended textual headers but the file has room for ${room}`,
      { path },
    );
  }
  const out: string[] = [];
  // -1 means "until the ((SEG: EndText)) stanza"; anything else negative is treated as none.
  const limit = declared === -1 ? Math.min(room, MAX_VARIABLE_EXTENDED_HEADERS) : Math.max(0, declared);
  for (let i = 0; i < limit; i++) {
    const text = decodeTextualHeader(await readAt(3600 + TEXTUAL_HEADER_BYTES * i, TEXTUAL_HEADER_BYTES), ebcdic);
    out.push(text);
    if (declared === -1 && text.includes(END_TEXT)) return out;
  }
  if (declared === -1) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${path}: extended textual headers declared as variable (-1) but no ${END_TEXT} stanza found`,
      { path },
    );
  }
  return out;
}

function countTraces(
  path: string,
  view: DataView,
  major: number,
  little: boolean,
  available: number,
  traceBytes: number,
): number {
  if (available <= 0) return 0;
  const whole = Math.floor(available / traceBytes);
  const declared = major >= 2 ? Number(view.getBigUint64(3512, little)) : 0;
  if (declared > 0) {
    if (declared > whole) {
      throw new FieldbenchError(
        "CORRUPT_FILE",
        `${path}: binary header declares ${declared} traces but the file holds ${whole} (file cut short?)`,
        { path },
      );
    }
    return declared; // data trailer stanzas may follow the traces
  }
  const rest = available % traceBytes;
  if (rest !== 0) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${path}: file ends inside trace ${whole} (${rest} of its ${traceBytes} bytes present); the file is cut mid-trace or its traces vary in length`,
      { path, details: { trace: whole, traceBytes, present: rest } },
    );
  }
  return whole;
}
