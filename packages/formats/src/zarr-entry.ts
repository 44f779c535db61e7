import type { OpenFile } from "./types.js";
import type { ZarrOpenOptions } from "./zarr.js";

export type { ZarrOpenOptions } from "./zarr.js";
export type { HttpStoreOptions, ZarrRequest } from "./zarr-http-store.js";

/**
 * Opens a Zarr store (directory or http(s) URL) with Zarr-specific options: `onRequest` sees every HTTP
 * request (count and bound remote reads), `maxRequests` caps them, `variables` names the children of a
 * remote group that has no consolidated metadata. zarrita loads on first call, as in the reader registry.
 */
export async function openZarrStore(location: string, options: ZarrOpenOptions = {}): Promise<OpenFile> {
  return (await import("./zarr.js")).openZarrStore(location, options);
}
