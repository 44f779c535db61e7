import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Rng, createRng, isFieldbenchError } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { openFile } from "./open.js";
import { openZarr } from "./zarr.js";
import type { StoreKey, ZarrStore } from "./zarr-store.js";

/**
 * Mutated stores (metadata JSON edited field by field or byte by byte, chunks flipped, truncated,
 * emptied or replaced, keys deleted) must each open-and-read or throw a FieldbenchError: never another
 * exception, never a hang, never a huge allocation. Most cases run on in-memory stores (the same reader
 * code path behind a different `get`); a share go through real directories and openFile.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "zarr");
const STORES = [
  "v2.zlib.f4.zarr",
  "v2.blosc-lz4-shuffle.f4.zarr",
  "v2.blosc-zstd-bitshuffle.nested.i4.zarr",
  "v2.shuffle-zlib.f8.zarr",
  "v2.bigendian.i2.zarr",
  "v2.forder.f4.zarr",
  "v2.zstd.u2.zarr",
  "v2.lz4.i8.zarr",
  "v2.gzip.f4.zarr",
  "v2.era5-like.consolidated.zarr",
  "v3.gzip.f4.zarr",
  "v3.group.zarr",
  "v3.sharded.f4.zarr",
];
/** ZARR_FUZZ_CASES / ZARR_FUZZ_SEED run a longer or different campaign by hand. */
const CASES = Number(process.env.ZARR_FUZZ_CASES ?? 1200);
const SEED = process.env.ZARR_FUZZ_SEED ?? "zarr-fuzz-2026";
const ON_DISK_EVERY = 10;
const tmp = mkdtempSync(join(tmpdir(), "fieldbench-zarr-fuzz-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function loadStore(name: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else
        files.set(`/${relative(join(FIXTURES, name), full).split("\\").join("/")}`, new Uint8Array(readFileSync(full)));
    }
  };
  walk(join(FIXTURES, name));
  return files;
}

function memoryStore(name: string, files: Map<string, Uint8Array>): ZarrStore {
  return {
    location: `memory:${name}`,
    get: async (key: StoreKey) => files.get(key),
    getRange: async (key, range) => {
      const bytes = files.get(key);
      if (bytes === undefined) return undefined;
      if ("suffixLength" in range) return bytes.subarray(Math.max(0, bytes.length - range.suffixLength));
      return bytes.subarray(range.offset, range.offset + range.length);
    },
    list: async (prefix) => {
      const dirs = new Set<string>();
      const names: string[] = [];
      const head = prefix === "/" ? "/" : `${prefix}/`;
      for (const key of files.keys()) {
        if (!key.startsWith(head)) continue;
        const rest = key.slice(head.length).split("/");
        if (rest.length === 1) names.push(rest[0] as string);
        else dirs.add(rest[0] as string);
      }
      return { dirs: [...dirs].sort(), files: names.sort() };
    },
  };
}

const ODD_VALUES: unknown[] = [
  0,
  -1,
  1,
  3,
  2 ** 31,
  2 ** 53,
  1e15,
  1e300,
  -0.5,
  0.5,
  "x",
  "",
  null,
  true,
  [],
  {},
  [0],
  [1e9, 1e9],
  [0, 0],
  [2 ** 40, 2 ** 40],
  [1, 1, 1],
  "NaN",
  "<f4",
  ">i8",
  "|O",
  "<U4",
  "|S0",
  "<c8",
  "|b1",
  "<f2",
  "zlib",
  "bz2",
  { id: "zlib" },
  { id: "nope" },
  { name: "gzip" },
  [{ name: "bytes" }],
  "F",
  "C",
  "/",
  ".",
  "../x",
  "/abs",
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/** Replaces, deletes or adds one value somewhere inside a JSON document. */
function mutateJson(doc: unknown, rng: Rng): unknown {
  if (typeof doc !== "object" || doc === null) return pick(rng, ODD_VALUES);
  const container = doc as Record<string, unknown>;
  const keys = Object.keys(container);
  if (keys.length === 0 || rng.uniform() < 0.1) {
    container[pick(rng, ["shape", "chunks", "codecs", "dtype", "data_type", "fill_value", "../x/.zarray", "extra"])] =
      pick(rng, ODD_VALUES);
    return doc;
  }
  const key = pick(rng, keys);
  const child = container[key];
  if (typeof child === "object" && child !== null && rng.uniform() < 0.6) {
    container[key] = mutateJson(child, rng);
  } else if (rng.uniform() < 0.15) {
    delete container[key];
  } else {
    container[key] = pick(rng, ODD_VALUES);
  }
  return doc;
}

function mutateBytes(bytes: Uint8Array, rng: Rng): Uint8Array {
  const kind = rng.int(5);
  if (kind === 0) return bytes.subarray(0, rng.int(bytes.length + 1));
  if (kind === 1) return new Uint8Array(0);
  if (kind === 2) return Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
  const out = bytes.slice();
  const flips = 1 + rng.int(8);
  for (let i = 0; i < flips && out.length > 0; i++) out[rng.int(out.length)] = rng.int(256);
  if (kind === 4) return Uint8Array.from([...out, ...Array.from({ length: rng.int(32) }, () => rng.int(256))]);
  return out;
}

const METADATA = /(\.zarray|\.zattrs|\.zgroup|\.zmetadata|zarr\.json)$/;

function mutateStore(files: Map<string, Uint8Array>, rng: Rng): Map<string, Uint8Array> {
  const out = new Map(files);
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const keys = [...out.keys()];
    const metaKeys = keys.filter((k) => METADATA.test(k));
    const choice = rng.uniform();
    if (choice < 0.45 && metaKeys.length > 0) {
      const key = pick(rng, metaKeys);
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder().decode(out.get(key)));
      } catch {
        doc = {}; // an earlier round already broke its bytes
      }
      out.set(key, new TextEncoder().encode(JSON.stringify(mutateJson(doc, rng))));
    } else if (choice < 0.6 && metaKeys.length > 0) {
      const key = pick(rng, metaKeys);
      out.set(key, mutateBytes(out.get(key) as Uint8Array, rng));
    } else if (choice < 0.95) {
      const key = pick(rng, keys);
      out.set(key, mutateBytes(out.get(key) as Uint8Array, rng));
    } else {
      out.delete(pick(rng, keys));
    }
  }
  return out;
}

function writeStore(dir: string, files: Map<string, Uint8Array>): void {
  for (const [key, bytes] of files) {
    const target = join(dir, ...key.slice(1).split("/"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}

/** Opens and reads every variable whole (small fixtures) or its first element (declared huge). */
async function exercise(open: () => Promise<import("./types.js").OpenFile>): Promise<void> {
  const file = await open();
  for (const v of file.variables) {
    await file.read(v.name).catch(async (err: unknown) => {
      if (isFieldbenchError(err, "TOO_LARGE") && v.shape.length > 0)
        await file.read(
          v.name,
          v.shape.map(() => 0),
        );
      else throw err;
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("zarr fuzz", () => {
  it(`${CASES} mutated stores read or throw FieldbenchError`, async () => {
    const originals = new Map(STORES.map((name) => [name, loadStore(name)]));
    const rng = createRng(SEED);
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const name = STORES[i % STORES.length] as string;
      const files = mutateStore(originals.get(name) as Map<string, Uint8Array>, rng);
      const onDisk = i % ON_DISK_EVERY === 0;
      let open: () => Promise<import("./types.js").OpenFile>;
      if (onDisk) {
        const dir = join(tmp, `case-${i}.zarr`);
        writeStore(dir, files);
        open = () => openFile(dir);
      } else {
        open = () => openZarr(memoryStore(name, files));
      }
      let outcome = "ok";
      try {
        await withTimeout(exercise(open), 10_000, `case ${i} (${name})`);
      } catch (err) {
        if (!isFieldbenchError(err)) {
          throw new Error(`case ${i} (${name}): ${(err as Error).stack ?? String(err)}`);
        }
        outcome = err.code;
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (onDisk) rmSync(join(tmp, `case-${i}.zarr`), { recursive: true, force: true });
    }
    if (process.env.ZARR_FUZZ_CASES !== undefined) console.log(outcomes);
    // Both kinds must occur: the mutations are neither all harmless nor all fatal.
    expect(outcomes.ok ?? 0).toBeGreaterThan(50);
    expect(outcomes.CORRUPT_FILE ?? 0).toBeGreaterThan(50);
  }, 600_000);
});
