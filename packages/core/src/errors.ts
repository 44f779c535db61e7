/**
 * One error class for the whole project. The `code` is stable (scripts and tests match on it); the message is one
 * line a user can act on. Only the CLI maps codes to exit status: input problems exit 2, failures of the work exit 1.
 */
export const INPUT_ERROR_CODES = [
  "BAD_USAGE", // wrong flags or arguments
  "FILE_NOT_FOUND", // a path that does not exist or cannot be opened
  "UNKNOWN_FORMAT", // bytes that match no reader
  "CORRUPT_FILE", // a file whose structure is inconsistent or cut short
  "TOO_LARGE", // a declared size beyond what we agree to allocate
  "FILTER_UNSUPPORTED", // a compression filter or codec we cannot decode
  "UNSUPPORTED", // a valid file using a feature we do not implement (say which)
  "VARIABLE_NOT_FOUND",
  "SHAPE_MISMATCH",
  "INVALID_VALUE", // a parameter or attribute with a value outside its domain
  "UNSAFE_PATH", // a key or path escaping its root (`../`)
  "CALENDAR_UNSUPPORTED",
  "UNKNOWN_METRIC",
  "UNKNOWN_DATASET",
  "UNKNOWN_TASK",
  "UNKNOWN_MODEL",
  "UNKNOWN_BACKEND",
  "BACKEND_UNAVAILABLE",
  "SCHEMA_INVALID",
  "BAD_PACKAGE",
] as const;

export const WORK_ERROR_CODES = [
  "WORK_FAILED", // the inputs were fine but the work did not complete
  "CLAIMS_MISMATCH", // re-scoring did not reproduce claimed numbers
  "TIMEOUT",
  "INTERNAL",
] as const;

export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];
export type WorkErrorCode = (typeof WORK_ERROR_CODES)[number];
export type FieldbenchErrorCode = InputErrorCode | WorkErrorCode;

export interface FieldbenchErrorOptions {
  /** The file or key the problem is about, so the message can name it. */
  path?: string;
  cause?: unknown;
  /** Free-form structured context for programmatic callers (offsets, sizes, names). */
  details?: Record<string, unknown>;
}

export class FieldbenchError extends Error {
  override readonly name = "FieldbenchError";
  readonly code: FieldbenchErrorCode;
  readonly path?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: FieldbenchErrorCode, message: string, options: FieldbenchErrorOptions = {}) {
    super(oneLine(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.path !== undefined) this.path = options.path;
    if (options.details !== undefined) this.details = options.details;
  }

  /** True when the problem lies with the user's input or flags (exit code 2), not with the work itself. */
  get isInputError(): boolean {
    return (INPUT_ERROR_CODES as readonly string[]).includes(this.code);
  }
}

export function isFieldbenchError(err: unknown, code?: FieldbenchErrorCode): err is FieldbenchError {
  return err instanceof FieldbenchError && (code === undefined || err.code === code);
}

/** Exit status for an error: 2 for bad usage or input, 1 for a failure of the work. */
export function exitCodeFor(err: unknown): 1 | 2 {
  return isFieldbenchError(err) && err.isInputError ? 2 : 1;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}
