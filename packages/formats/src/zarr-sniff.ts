import { existsSync } from "node:fs";
import { join } from "node:path";
import { isZarrListing } from "./sniff.js";

const NODE_METADATA = [".zarray", ".zgroup", "zarr.json"];
/** Child folders looked into: enough for any real store's variables, bounded for a folder of a million files. */
const MAX_CHILDREN_PROBED = 256;

/**
 * A Zarr store's root folder: Zarr metadata at the root, or (a root written without its own metadata, one
 * array at a time) an array or group in a folder directly below it. Costs at most a few hundred stat calls.
 */
export function isZarrDirectory(path: string, entries: readonly string[]): boolean {
  if (isZarrListing(entries)) return true;
  const children = entries.filter((e) => !e.startsWith(".")).slice(0, MAX_CHILDREN_PROBED);
  return children.some((child) => NODE_METADATA.some((name) => existsSync(join(path, child, name))));
}
