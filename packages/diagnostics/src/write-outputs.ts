import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/**
 * Writes a diagnostic's files into `dir`, each under a temporary name first and renamed once all are written, so an
 * interrupted run leaves the previous outputs whole rather than a JSON without its plot. Returns the paths written.
 */
export async function writeOutputs(dir: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const names = Object.keys(files);
  for (const name of names) await writeFile(join(root, `${name}.tmp-${process.pid}`), files[name]!);
  for (const name of names) await rename(join(root, `${name}.tmp-${process.pid}`), join(root, name));
  return names.map((name) => join(root, name));
}

/** JSON with NaN and Infinity as null (JSON has no such numbers) and typed arrays as arrays. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === "number" && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
    2,
  )}\n`;
}
