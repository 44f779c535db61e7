import { writeFileSync } from "node:fs";
import { isFieldbenchError } from "@fieldbench/core";
import type { FormatReader, VariableInfo } from "../types.js";

/** What a fuzz campaign saw: files that read, files refused (by error code), and the slowest file in ms. */
export interface FuzzOutcome {
  read: number;
  refused: number;
  slowest: number;
  codes: Record<string, number>;
  /** Refusals whose message does not name the file (a one-line error must say which file). */
  unnamed: string[];
}

export interface FuzzOptions {
  readonly reader: FormatReader;
  readonly files: number;
  /** Bytes (or text) of mutated file i; written to `pathFor(i)`. */
  readonly mutated: (i: number) => Uint8Array | string;
  readonly pathFor: (i: number) => string;
  /** Variables to read after opening (all by default; readers that re-scan per read pick a few). */
  readonly pick?: (variables: readonly VariableInfo[]) => readonly VariableInfo[];
}

/**
 * The loop every reader's fuzz test shares: write a mutated file, open it with the reader itself, read its
 * variables, close. Any exception that is not a FieldbenchError is rethrown with the mutation's index: that is
 * a reader bug.
 */
export async function fuzzReader(options: FuzzOptions): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = { read: 0, refused: 0, slowest: 0, codes: {}, unnamed: [] };
  for (let i = 0; i < options.files; i++) {
    const path = options.pathFor(i);
    const bytes = options.mutated(i);
    writeFileSync(path, bytes, typeof bytes === "string" ? "latin1" : undefined);
    const started = performance.now();
    try {
      const file = await options.reader.open(path);
      try {
        for (const v of options.pick?.(file.variables) ?? file.variables) await file.read(v.name);
      } finally {
        await file.close();
      }
      outcome.read++;
    } catch (err) {
      if (!isFieldbenchError(err)) throw new Error(`mutation ${i}: ${String(err)}`);
      if (!err.message.includes(path)) outcome.unnamed.push(err.message);
      outcome.codes[err.code] = (outcome.codes[err.code] ?? 0) + 1;
      outcome.refused++;
    }
    outcome.slowest = Math.max(outcome.slowest, performance.now() - started);
  }
  return outcome;
}
