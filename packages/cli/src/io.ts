/** Where a command writes: stdout for results (one JSON document with --json), stderr for logs and progress. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** Prints one JSON document (NaN and Infinity become null, as JSON has no such numbers). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/**
 * Text safe for a terminal or a CI log: control characters (ANSI escapes, carriage returns, newlines that start a
 * `::error::` workflow command) in names that came from packages or result files are shown escaped, never obeyed.
 * A tab is kept: it moves the cursor and nothing else, and `inspect`'s ncdump-style headers are made of them.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** One line of human output; each line of `text` is made printable (newlines between lines are kept). */
export function printLine(io: CliIo, text = ""): void {
  io.stdout.write(`${text.split("\n").map(printable).join("\n")}\n`);
}
