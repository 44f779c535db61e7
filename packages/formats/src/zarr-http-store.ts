import { FieldbenchError } from "@fieldbench/core";
import type { RangeQuery } from "@zarrita/storage";
import { type StoreKey, type ZarrStore, assertSafeKey, isMetadataKey, maxBytesFor } from "./zarr-store.js";

/** One HTTP request the store made, reported to `onRequest` (for counting and bounding remote reads). */
export interface ZarrRequest {
  /** The store key (`/t2m/0.0.0`). */
  readonly key: string;
  readonly url: string;
  /** HTTP status, or 0 when the request failed before a response. */
  readonly status: number;
  /** Bytes of the body received (0 for a miss). */
  readonly bytes: number;
}

export interface HttpStoreOptions {
  /** Called after every request. */
  readonly onRequest?: (request: ZarrRequest) => void;
  /** Refuse to make more than this many requests (a runaway read of a huge remote array). Default: unbounded. */
  readonly maxRequests?: number;
  /** Per-request timeout. Default 60 s. */
  readonly timeoutMs?: number;
  /** Extra request headers (for example an authorization token). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A read-only Zarr store over HTTP(S) built on `fetch`: one GET per key, so requests can be counted and
 * bounded (zarrita's FetchStore does the same but reports nothing). 404 means "no such key" (a missing
 * chunk reads as fill_value); 403 counts as missing for metadata probes only, since object stores such
 * as S3 answer 403 for absent keys when listing is not allowed. Any other failure is an error: a chunk
 * that cannot be fetched must never silently read as fill_value.
 */
export function createHttpStore(url: string, options: HttpStoreOptions = {}): ZarrStore {
  let base: URL;
  try {
    base = new URL(url);
  } catch (cause) {
    throw new FieldbenchError("BAD_USAGE", `${url}: not a valid URL`, { path: url, cause });
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new FieldbenchError("BAD_USAGE", `${url}: only http and https URLs are read`, { path: url });
  }
  if (base.search !== "" || base.hash !== "") {
    throw new FieldbenchError("BAD_USAGE", `${url}: a store URL must not carry a query or fragment`, { path: url });
  }
  const root = base.href.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 60_000;
  let requests = 0;
  const request = async (key: StoreKey, range?: RangeQuery): Promise<Uint8Array | undefined> => {
    const safe = assertSafeKey(key, url);
    if (options.maxRequests !== undefined && requests >= options.maxRequests) {
      throw new FieldbenchError(
        "TOO_LARGE",
        `${url}: more than ${options.maxRequests} requests; read a smaller selection`,
        {
          path: url,
        },
      );
    }
    requests++;
    const target = root + safe;
    const report = (status: number, bytes: number) => options.onRequest?.({ key: safe, url: target, status, bytes });
    let response: Response;
    try {
      response = await fetch(target, {
        headers: { ...options.headers, ...(range === undefined ? {} : { range: rangeHeader(range) }) },
        redirect: "follow",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      report(0, 0);
      throw new FieldbenchError("FILE_NOT_FOUND", `${target}: cannot be fetched (${reason(cause)})`, {
        path: url,
        cause,
      });
    }
    if (response.status === 404 || (response.status === 403 && isMetadataKey(safe))) {
      await response.body?.cancel();
      report(response.status, 0);
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      report(response.status, 0);
      throw new FieldbenchError("WORK_FAILED", `${target}: HTTP ${response.status} ${response.statusText}`, {
        path: url,
      });
    }
    const bytes = await readBounded(response, target, url, maxBytesFor(safe));
    report(response.status, bytes.byteLength);
    // A server that ignores Range answers 200 with the whole object: cut the range out of it.
    if (range !== undefined && response.status === 200) return sliceRange(bytes, range);
    return bytes;
  };
  return {
    location: url,
    get: (key) => request(key),
    getRange: (key, range) => request(key, range),
  };
}

function rangeHeader(range: RangeQuery): string {
  if ("suffixLength" in range) return `bytes=-${range.suffixLength}`;
  return `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

function sliceRange(bytes: Uint8Array, range: RangeQuery): Uint8Array {
  if ("suffixLength" in range) return bytes.subarray(Math.max(0, bytes.byteLength - range.suffixLength));
  return bytes.subarray(range.offset, range.offset + range.length);
}

/** Reads a body, refusing one whose declared or actual length passes the allocation limit. */
async function readBounded(response: Response, target: string, url: string, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const tooLarge = () =>
    new FieldbenchError("TOO_LARGE", `${target}: response larger than the ${limit}-byte allocation limit`, {
      path: url,
    });
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function reason(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: { code?: string } }).cause;
    return inner?.code ?? cause.message;
  }
  return String(cause);
}
