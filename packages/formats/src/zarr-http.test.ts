import { readFileSync, statSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeFile } from "./inspect.js";
import { openFile } from "./open.js";
import { type ZarrRequest, openZarrStore } from "./index.js";
import { createHttpStore } from "./zarr-http-store.js";

/**
 * A real HTTP server on 127.0.0.1 serving the fixture folder, counting every request it gets. Overrides
 * let a test serve hostile documents (a .zmetadata naming ../../etc/passwd) without writing files.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "zarr");
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as Record<
  string,
  Record<string, { shape: number[]; values: (number | null)[] }>
>;

let server: Server;
let base = "";
const seen: string[] = [];
const overrides = new Map<string, string | Uint8Array>();
const hidden = new Set<string>();
const statuses = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? "/";
    seen.push(url);
    const status = statuses.get(url);
    if (status !== undefined) {
      res.writeHead(status).end();
      return;
    }
    const override = overrides.get(url);
    if (override !== undefined) {
      res.writeHead(200).end(override);
      return;
    }
    const path = decodeURIComponent(url);
    const file = normalize(join(FIXTURES, path));
    if (path.includes("..") || !file.startsWith(FIXTURES) || hidden.has(url)) {
      res.writeHead(404).end();
      return;
    }
    let bytes: Buffer;
    try {
      if (!statSync(file).isFile()) throw new Error("not a file");
      bytes = readFileSync(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    if (range !== null) {
      const start = range[1] === "" ? bytes.length - Number(range[2]) : Number(range[1]);
      const end = range[1] === "" ? bytes.length - 1 : Number(range[2]);
      res.writeHead(206, { "content-length": end - start + 1 }).end(bytes.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { "content-length": bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  overrides.clear();
  hidden.clear();
  statuses.clear();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (!isFieldbenchError(err)) throw err;
    return err.code;
  }
}

const ERA5 = "v2.era5-like.consolidated.zarr";

describe("zarr over HTTP", () => {
  it("opens from consolidated metadata and reads one time step with only that step's chunks", async () => {
    const requests: ZarrRequest[] = [];
    const file = await openZarrStore(`${base}/${ERA5}`, { onRequest: (r) => requests.push(r) });
    // Open: the v3 probe (absent) and the consolidated v2 metadata; no per-array metadata requests.
    expect(seen).toEqual([`/${ERA5}/zarr.json`, `/${ERA5}/.zmetadata`]);
    expect(requests.map((r) => [r.key, r.status])).toEqual([
      ["/zarr.json", 404],
      ["/.zmetadata", 200],
    ]);
    seen.length = 0;
    const step = await file.read("t2m", [2]);
    // t2m is [time 4, lat 16, lon 16] in chunks of (1, 8, 8): step 2 is chunks 2.{0,1}.{0,1}, nothing else.
    expect([...seen].sort()).toEqual([
      `/${ERA5}/t2m/2.0.0`,
      `/${ERA5}/t2m/2.0.1`,
      `/${ERA5}/t2m/2.1.0`,
      `/${ERA5}/t2m/2.1.1`,
    ]);
    expect(step.shape).toEqual([1, 16, 16]);
    const want = EXPECTED[ERA5]?.t2m?.values.slice(2 * 256, 3 * 256);
    expect(Array.from(step.data as Int16Array)).toEqual(want);
  });

  it("a v3 group with inline consolidated metadata opens with one request", async () => {
    const file = await openFile(`${base}/v3.group.consolidated.zarr`);
    expect(seen).toEqual(["/v3.group.consolidated.zarr/zarr.json"]);
    expect(file.variables.map((v) => v.name)).toEqual(["inner/counts", "packed", "transposed"]);
    seen.length = 0;
    const raw = await file.read("inner/counts", [[5, 7]]);
    expect(Array.from(raw.data as Uint8Array)).toEqual(
      EXPECTED["v3.group.consolidated.zarr"]?.["inner/counts"]?.values.slice(5, 7),
    );
    expect(seen).toEqual(["/v3.group.consolidated.zarr/inner/counts/c/1"]);
  });

  it("openFile on an http URL describes the same store as the local directory", async () => {
    const remote = describeFile(await openFile(`${base}/${ERA5}`));
    const local = describeFile(await openFile(join(FIXTURES, ERA5)));
    expect(remote.format).toBe("zarr");
    expect(remote.variables).toEqual(local.variables);
    expect(remote.dims).toEqual(local.dims);
  });

  it("a chunk answered with 404 reads as fill_value", async () => {
    const file = await openFile(`${base}/v2.partial.f4.zarr`);
    const raw = await file.read("v2.partial.f4");
    expect(Array.from(raw.data as Float32Array)).toEqual(EXPECTED["v2.partial.f4.zarr"]?.[""]?.values);
    expect(seen.filter((u) => u.endsWith("/2.3"))).toHaveLength(1);
  });

  it("reads v3 sharded arrays with range requests", async () => {
    const file = await openFile(`${base}/v3.sharded.f4.zarr`);
    const raw = await file.read("v3.sharded.f4");
    expect(Array.from(raw.data as Float32Array)).toEqual(EXPECTED["v3.sharded.f4.zarr"]?.[""]?.values);
  });

  it("without consolidated metadata a remote group lists nothing below the root unless children are named", async () => {
    hidden.add(`/${ERA5}/.zmetadata`);
    const bare = await openZarrStore(`${base}/${ERA5}`);
    expect(bare.variables).toEqual([]);
    const named = await openZarrStore(`${base}/${ERA5}`, { variables: ["t2m", "surface/sp"] });
    expect(named.variables.map((v) => [v.name, v.dims])).toEqual([
      ["t2m", ["time", "latitude", "longitude"]],
      ["surface/sp", ["latitude", "longitude"]],
    ]);
    const sp = await named.read("surface/sp", [
      [0, 2],
      [0, 2],
    ]);
    const flat = EXPECTED[ERA5]?.["surface/sp"]?.values ?? [];
    expect(Array.from(sp.data as Float32Array)).toEqual([flat[0], flat[1], flat[16], flat[17]]);
  });

  it("a .zmetadata naming ../../etc/passwd is UNSAFE_PATH and nothing outside the store is requested", async () => {
    const meta = JSON.parse(readFileSync(join(FIXTURES, ERA5, ".zmetadata"), "utf8"));
    meta.metadata["../../etc/passwd/.zarray"] = meta.metadata["t2m/.zarray"];
    overrides.set(`/${ERA5}/.zmetadata`, JSON.stringify(meta));
    expect(await codeOf(openFile(`${base}/${ERA5}`))).toBe("UNSAFE_PATH");
    expect(seen.every((u) => u.startsWith(`/${ERA5}/`) && !u.includes(".."))).toBe(true);
  });

  it("a response above the limit is TOO_LARGE, not read to the end (limit lowered via FIELDBENCH_MAX_BYTES)", async () => {
    process.env.FIELDBENCH_MAX_BYTES = "4096"; // .zmetadata of the ERA5-like store is about 10 KB
    try {
      expect(await codeOf(openFile(`${base}/${ERA5}`))).toBe("TOO_LARGE");
      expect(await codeOf(openFile(join(FIXTURES, ERA5)))).toBe("TOO_LARGE");
    } finally {
      delete process.env.FIELDBENCH_MAX_BYTES;
    }
  });

  it("a key with .. is refused before any request", async () => {
    const store = createHttpStore(`${base}/${ERA5}`);
    expect(await codeOf(store.get("/t2m/../../secret"))).toBe("UNSAFE_PATH");
    expect(await codeOf(store.get("/%2e%2e/secret"))).toBe("UNSAFE_PATH");
    expect(seen).toEqual([]);
  });

  it("a missing store is FILE_NOT_FOUND; a refused connection too; maxRequests bounds a read", async () => {
    expect(await codeOf(openFile(`${base}/nope.zarr`))).toBe("FILE_NOT_FOUND");
    expect(await codeOf(openFile("http://127.0.0.1:9/x.zarr"))).toBe("FILE_NOT_FOUND");
    const file = await openZarrStore(`${base}/${ERA5}`, { maxRequests: 4 });
    expect(await codeOf(file.read("t2m"))).toBe("TOO_LARGE");
  });

  it("an HTTP 500 on a chunk is a failure of the work (never fill); a garbage chunk is CORRUPT_FILE", async () => {
    statuses.set(`/${ERA5}/t2m/0.0.0`, 500);
    const file = await openFile(`${base}/${ERA5}`);
    expect(await codeOf(file.read("t2m", [0]))).toBe("WORK_FAILED");
    statuses.clear();
    overrides.set(`/${ERA5}/t2m/1.0.0`, "x");
    expect(await codeOf(file.read("t2m", [1]))).toBe("CORRUPT_FILE");
  });
});
