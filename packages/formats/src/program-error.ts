/**
 * Errors the JavaScript engine raises for a program's own mistakes: a TypeError on `undefined.x`, a RangeError
 * from a DataView read past the end or an impossible array length. A reader that throws one has a bug (it should
 * have checked the input and thrown a FieldbenchError), so these are kept apart from verdicts on the input: they
 * are never turned into CORRUPT_FILE, and the fuzz tests fail on them.
 */
const PROGRAM_ERRORS = {
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
} as const;

export type ProgramErrorName = keyof typeof PROGRAM_ERRORS;

export function isProgramError(err: unknown): err is Error {
  return err instanceof Error && Object.hasOwn(PROGRAM_ERRORS, err.constructor.name);
}

/** Rebuilds a program error reported by name from a worker thread, with its message. */
export function programError(name: string | undefined, message: string): Error | undefined {
  if (name === undefined || !Object.hasOwn(PROGRAM_ERRORS, name)) return undefined;
  return new PROGRAM_ERRORS[name as ProgramErrorName](message);
}
