import { createWriteStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { once } from "node:events";
import { FieldbenchError } from "./errors.js";
import { sha256File } from "./hash.js";

export interface DownloadOptions {
  /** Called with bytes received so far and the total when the server says it. */
  readonly onProgress?: (received: number, total: number | undefined) => void;
  /** Expected sha256 (hex); a mismatch deletes nothing but leaves the `.part` file and fails. */
  readonly sha256?: string;
}

export interface Downloaded {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Bytes that were already there from an interrupted earlier download. */
  readonly resumedFrom: number;
}

/**
 * Downloads a URL into `dir` (file named after the URL's last path segment). Bytes go to `<name>.part`; an
 * interrupted download resumes from the `.part` file with an HTTP Range request, and only a complete file
 * (length as announced, sha256 as expected when given) is renamed into place, so nothing half-written is left
 * under the final name. SuperBench splits are tens of GB: resuming matters.
 */
export async function downloadFile(url: string, dir: string, options: DownloadOptions = {}): Promise<Downloaded> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FieldbenchError("BAD_USAGE", `${url}: not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FieldbenchError("BAD_USAGE", `${url}: only http and https downloads are supported`);
  }
  const name = decodeURIComponent(basename(parsed.pathname));
  if (name === "" || name === "." || name === "..") throw new FieldbenchError("BAD_USAGE", `${url}: names no file`);
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const part = `${target}.part`;
  const have = await stat(part).then(
    (s) => s.size,
    () => 0,
  );
  let response: Response;
  try {
    response = await fetch(url, have > 0 ? { headers: { range: `bytes=${have}-` } } : {});
  } catch (cause) {
    throw new FieldbenchError("WORK_FAILED", `${url}: download failed (${(cause as Error).message})`, { cause });
  }
  if (response.status === 404) throw new FieldbenchError("FILE_NOT_FOUND", `${url}: not found (HTTP 404)`);
  if (response.status === 416 && have > 0) return finish(url, part, target, have, have, options);
  if (!response.ok || response.body === null) {
    throw new FieldbenchError("WORK_FAILED", `${url}: download failed (HTTP ${response.status})`);
  }
  // A server that ignores Range answers 200 with the whole file: start over rather than append.
  const resumedFrom = response.status === 206 ? have : 0;
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  const total = Number.isFinite(length) ? resumedFrom + length : undefined;
  const out = createWriteStream(part, { flags: resumedFrom > 0 ? "a" : "w" });
  let received = resumedFrom;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await once(out, "drain");
      received += chunk.length;
      options.onProgress?.(received, total);
    }
  } finally {
    out.end();
    await once(out, "close");
  }
  if (total !== undefined && received !== total) {
    throw new FieldbenchError(
      "WORK_FAILED",
      `${url}: connection closed after ${received} of ${total} bytes; run again to resume`,
    );
  }
  return finish(url, part, target, received, resumedFrom, options);
}

async function finish(
  url: string,
  part: string,
  target: string,
  bytes: number,
  resumedFrom: number,
  options: DownloadOptions,
): Promise<Downloaded> {
  const sha256 = await sha256File(part);
  if (options.sha256 !== undefined && options.sha256.toLowerCase() !== sha256) {
    throw new FieldbenchError(
      "WORK_FAILED",
      `${url}: sha256 ${sha256} differs from the expected ${options.sha256}; ${part} kept for inspection`,
    );
  }
  await mkdir(dirname(target), { recursive: true });
  await rename(part, target);
  return { path: target, bytes, sha256, resumedFrom };
}
