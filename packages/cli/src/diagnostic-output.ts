import { resolve } from "node:path";
import { type CliIo, printJson, printLine } from "./io.js";

/**
 * How the three diagnostics commands finish: with --out, their files (written together, atomically) and a line on
 * stderr naming them; then the result as JSON on stdout with --json, else its table.
 */
export async function finishDiagnostic(
  io: CliIo,
  flags: { out?: string; json?: boolean },
  output: { result: unknown; table: string; files: () => Promise<Record<string, string>> },
): Promise<void> {
  if (flags.out !== undefined) {
    const { writeOutputs } = await import("@fieldbench/diagnostics");
    const written = await writeOutputs(resolve(io.cwd, flags.out), await output.files());
    io.stderr.write(`wrote ${written.join(", ")}\n`);
  }
  if (flags.json) printJson(io, output.result);
  else printLine(io, output.table);
}
