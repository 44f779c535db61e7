import { open } from "node:fs/promises";
import { FieldbenchError } from "@fieldbench/core";

/**
 * A visitor sees one line as bytes [start, end) of `bytes` (CR of a CRLF excluded); line numbers are
 * 1-based physical lines. Returning "stop" ends the scan early.
 */
export type LineVisitor = (bytes: Buffer, start: number, end: number, lineNumber: number) => undefined | "stop";

const CHUNK_BYTES = 4 * 1024 * 1024;
/** Longest line we accept: a FULLSET row is about 3 KB; anything far longer is not a FLUXNET CSV. */
const MAX_LINE_BYTES = 1 << 20;

/**
 * Streams a text file line by line over one reused buffer, without decoding to strings: FLUXNET HH
 * files run to hundreds of MB. A plain split is enough: FLUXNET and AmeriFlux CSVs never quote fields.
 */
export async function scanLines(path: string, visit: LineVisitor): Promise<void> {
  const handle = await open(path, "r").catch((cause: unknown) => {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot be opened (${(cause as Error).message})`, {
      path,
      cause,
    });
  });
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
  let filled = 0;
  let position = 0;
  let lineNumber = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, CHUNK_BYTES, position);
      position += bytesRead;
      filled += bytesRead;
      let start = 0;
      for (;;) {
        const newline = buffer.indexOf(10, start);
        if (newline === -1 || newline >= filled) break;
        lineNumber++;
        const end = newline > start && buffer[newline - 1] === 13 ? newline - 1 : newline;
        if (visit(buffer, start, end, lineNumber) === "stop") return;
        start = newline + 1;
      }
      if (bytesRead === 0) {
        if (start < filled) {
          const end = buffer[filled - 1] === 13 ? filled - 1 : filled;
          visit(buffer, start, end, lineNumber + 1);
        }
        return;
      }
      buffer.copy(buffer, 0, start, filled);
      filled -= start;
      if (filled > MAX_LINE_BYTES) {
        throw new FieldbenchError(
          "CORRUPT_FILE",
          `${path}: line ${lineNumber + 1} is longer than ${MAX_LINE_BYTES} bytes`,
          {
            path,
          },
        );
      }
    }
  } finally {
    await handle.close();
  }
}
