import { randomBytes } from "node:crypto";
import { mkdir, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * A unique temporary name next to `path`: the same folder, so the same file system and an atomic rename, and
 * unique per process and call, so two writers of one target never write into each other's temporary.
 */
export function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
}

/**
 * Writes a file so that readers see the old content or the new, never half of it: the data go to a temporary
 * name (temporaryPath), which is renamed over `path`; on failure the temporary is removed. Creates the folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPath(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
