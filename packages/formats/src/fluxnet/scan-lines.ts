import { createReadStream } from "node:fs";
import { FieldbenchError } from "@fieldbench/core";

/** A visitor returns "stop" to end the scan early. Line numbers are 1-based physical lines of the file. */
export type LineVisitor = (line: string, lineNumber: number) => undefined | "stop";

/** Longest line we accept: a FULLSET row is about 3 KB; anything far longer is not a FLUXNET CSV. */
const MAX_LINE_CHARS = 1 << 20;

/**
 * Streams a text file line by line (LF or CRLF) without holding it in memory; FLUXNET HH files run to
 * hundreds of MB. A plain split is enough: FLUXNET and AmeriFlux CSVs never quote fields.
 */
export async function scanLines(path: string, visit: LineVisitor): Promise<void> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, encoding: "latin1" });
  let rest = "";
  let lineNumber = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      let end = text.indexOf("\n", start);
      while (end !== -1) {
        lineNumber++;
        const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
        if (visit(line, lineNumber) === "stop") return;
        start = end + 1;
        end = text.indexOf("\n", start);
      }
      rest = text.slice(start);
      if (rest.length > MAX_LINE_CHARS) {
        throw new FieldbenchError(
          "CORRUPT_FILE",
          `${path}: line ${lineNumber + 1} is longer than ${MAX_LINE_CHARS} characters`,
          {
            path,
          },
        );
      }
    }
    if (rest.length > 0) visit(rest.endsWith("\r") ? rest.slice(0, -1) : rest, lineNumber + 1);
  } finally {
    stream.destroy();
  }
}
