import { type Stats, lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { FieldbenchError } from "@fieldbench/core";

/**
 * What an untrusted package may hold. Every entry is a plain directory or a plain file with one link: a symlink
 * (absolute, relative, to a folder, hidden in a dot-folder) could point the runner or the hash at the ground truth
 * or at /dev/zero, a hard link could alias a file outside, and devices, FIFOs and sockets block or leak.
 */
export interface IntakeLimits {
  readonly maxFiles: number;
  readonly maxDepth: number;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

export const INTAKE_LIMITS: IntakeLimits = {
  maxFiles: 10_000,
  maxDepth: 32,
  maxFileBytes: 512 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};

export interface IntakeSummary {
  readonly files: number;
  readonly bytes: number;
}

function refuse(dir: string, reason: string): never {
  throw new FieldbenchError("BAD_PACKAGE", `${dir}: ${reason}`, { path: dir });
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return "a symlink";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isBlockDevice() || st.isCharacterDevice()) return "a device";
  return "not a regular file";
}

/**
 * Walks the package with lstat (never following links) and refuses anything but directories and regular files with
 * one link, and any file or total over INTAKE_LIMITS. Runs before the package is hashed or run, so both are bounded.
 */
export function checkPackageFiles(dir: string, limits: IntakeLimits = INTAKE_LIMITS): IntakeSummary {
  let files = 0;
  let bytes = 0;
  const walk = (path: string, depth: number) => {
    if (depth > limits.maxDepth) refuse(dir, `${relative(dir, path)} is nested deeper than ${limits.maxDepth} folders`);
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const rel = relative(dir, full);
      const st = lstatSync(full);
      if (st.isDirectory()) {
        walk(full, depth + 1);
        continue;
      }
      if (!st.isFile()) refuse(dir, `${rel} is ${kindOf(st)}: packages may hold only plain files and folders`);
      if (st.nlink > 1) refuse(dir, `${rel} is a hard link (${st.nlink} links): packages may hold only plain files`);
      if (st.size > limits.maxFileBytes)
        refuse(dir, `${rel} is ${st.size} bytes, over the ${limits.maxFileBytes}-byte limit for one file`);
      files += 1;
      bytes += st.size;
      if (files > limits.maxFiles) refuse(dir, `holds more than ${limits.maxFiles} files`);
      if (bytes > limits.maxTotalBytes) refuse(dir, `holds more than ${limits.maxTotalBytes} bytes`);
    }
  };
  const top = lstatSync(dir);
  if (top.isSymbolicLink()) refuse(dir, "the package folder itself is a symlink");
  walk(dir, 0);
  return { files, bytes };
}
