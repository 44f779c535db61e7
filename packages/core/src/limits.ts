import { FieldbenchError } from "./errors.js";

/**
 * Readers check every size a file declares against these limits before allocating, so a hostile or corrupt
 * header cannot make us reserve terabytes. The defaults fit a 2048x2048x(a few hundred) float32 split on a
 * 24 GiB machine; FIELDBENCH_MAX_BYTES raises or lowers them.
 */
export const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;

export function maxAllocationBytes(): number {
  const env = process.env.FIELDBENCH_MAX_BYTES;
  const parsed = env === undefined ? Number.NaN : Number(env);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : DEFAULT_MAX_BYTES;
}

/** Product of a shape, refusing negative, fractional or non-finite extents. */
export function shapeSize(shape: readonly number[], what = "array"): number {
  let n = 1;
  for (const extent of shape) {
    if (!Number.isSafeInteger(extent) || extent < 0) {
      throw new FieldbenchError(
        "CORRUPT_FILE",
        `${what} has an invalid extent ${extent} in shape [${shape.join(", ")}]`,
      );
    }
    n *= extent;
  }
  return n;
}

/**
 * Throws TOO_LARGE when `count` elements of `bytesPerElement` bytes exceed the allocation limit.
 * Call it with the sizes a file *declares*, before reading or allocating anything.
 */
export function checkAllocation(count: number, bytesPerElement: number, what: string, path?: string): void {
  const bytes = count * bytesPerElement;
  const limit = maxAllocationBytes();
  if (!Number.isFinite(bytes) || bytes > limit) {
    throw new FieldbenchError(
      "TOO_LARGE",
      `${what} declares ${count.toExponential(3)} elements (${formatBytes(bytes)}), above the ${formatBytes(limit)} limit; read it in slices or raise FIELDBENCH_MAX_BYTES`,
      path === undefined ? {} : { path },
    );
  }
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "an unbounded size";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
