import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRng, isFieldbenchError } from "@fieldbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workersStarted } from "./hdf5-host.js";
import { openFile } from "./open.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const SOURCES = [
  "groups.zlib-shuffle.packed-int16.nc",
  "time.noleap-360day-julian.nc",
  "filters.dtypes.strings.h5",
  "blosc.unsupported-filter.h5",
].map((name) => new Uint8Array(readFileSync(join(FIXTURES, name))));
const ITERATIONS = 1000;
const tmp = mkdtempSync(join(tmpdir(), "hdf5-fuzz-"));
const saved = { max: process.env.FIELDBENCH_MAX_BYTES, timeout: process.env.FIELDBENCH_HDF5_TIMEOUT_MS };

// A mutated header can declare a 1 GiB dataset that is still under the default 8 GiB limit; the fuzz run
// lowers the limit so such a file ends in TOO_LARGE instead of a real allocation. It also bounds a hang at
// 1 s: 27 of these 1000 files make HDF5 loop (e.g. on a corrupt attribute count) or abort the wasm module.
// The clock starts once the worker has loaded h5wasm, and a false timeout on a slow machine still ends in
// CORRUPT_FILE.
beforeAll(() => {
  process.env.FIELDBENCH_MAX_BYTES = String(64 * 1024 * 1024);
  process.env.FIELDBENCH_HDF5_TIMEOUT_MS = "1000";
});
afterAll(() => {
  for (const [key, value] of [
    ["FIELDBENCH_MAX_BYTES", saved.max],
    ["FIELDBENCH_HDF5_TIMEOUT_MS", saved.timeout],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(tmp, { recursive: true, force: true });
});

type Rng = ReturnType<typeof createRng>;

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng.uniform() * list.length)] as T;
}

function int(rng: Rng, below: number): number {
  return Math.floor(rng.uniform() * below);
}

/**
 * One mutation of a fixture. Most land in the first 4 KiB, where the superblock, object headers, B-tree
 * nodes and heaps of these small files live, since flips in chunk data only exercise the decompressors.
 */
function mutate(rng: Rng, source: Uint8Array): { bytes: Uint8Array; how: string } {
  const bytes = source.slice();
  const where = () => (rng.uniform() < 0.75 ? int(rng, Math.min(4096, bytes.length)) : int(rng, bytes.length));
  switch (int(rng, 5)) {
    case 0: {
      const flips = 1 + int(rng, 8);
      for (let i = 0; i < flips; i++) bytes[where()] = (bytes[where()] as number) ^ (1 << int(rng, 8));
      return { bytes, how: `${flips} bit flips` };
    }
    case 1: {
      const length = 8 + int(rng, bytes.length - 8);
      return { bytes: bytes.subarray(0, length), how: `truncated to ${length}` };
    }
    case 2: {
      const donor = pick(rng, SOURCES);
      const length = 1 + int(rng, 256);
      const from = int(rng, Math.max(1, donor.length - length));
      const to = where();
      bytes.set(donor.subarray(from, from + length).subarray(0, bytes.length - to), to);
      return { bytes, how: `spliced ${length} bytes at ${to}` };
    }
    case 3: {
      const at = where();
      const value = pick(rng, [0x00, 0xff, 0x7f, 0x80]);
      bytes.fill(value, at, Math.min(bytes.length, at + 1 + int(rng, 16)));
      return { bytes, how: `filled with ${value} at ${at}` };
    }
    default: {
      // An 8-byte field (HDF5 addresses and lengths) set to a large value.
      const at = where();
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (at + 8 <= bytes.length) view.setBigUint64(at, BigInt(int(rng, 2 ** 31)) << BigInt(int(rng, 33)), true);
      return { bytes, how: `8-byte field at ${at}` };
    }
  }
}

describe("hdf5 reader fuzz", () => {
  it(`${ITERATIONS} mutated HDF5/NetCDF4 files each read fully or throw a FieldbenchError`, async () => {
    const rng = createRng("hdf5-fuzz");
    const outcomes: Record<string, number> = {};
    const started = Date.now();
    const workersBefore = workersStarted();
    for (let i = 0; i < ITERATIONS; i++) {
      const { bytes, how } = mutate(rng, pick(rng, SOURCES));
      const path = join(tmp, `m${i % 8}.h5`);
      writeFileSync(path, bytes);
      let outcome = "read";
      try {
        const file = await openFile(path);
        try {
          for (const variable of file.variables) {
            try {
              await file.read(variable.name);
            } catch (err) {
              if (!isFieldbenchError(err)) throw err;
              outcome = `read:${err.code}`;
            }
          }
        } finally {
          await file.close();
        }
      } catch (err) {
        if (!isFieldbenchError(err)) throw new Error(`mutation ${i} (${how}) threw ${String(err)}`);
        outcome = `open:${err.code}`;
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    // Each replaced worker is a file that hung HDF5 past the timeout or aborted the wasm module: the guard at work.
    const replaced = workersStarted() - workersBefore - (workersBefore === 0 ? 1 : 0);
    console.log(`hdf5 fuzz: ${ITERATIONS} files in ${Date.now() - started} ms, ${replaced} workers replaced`, outcomes);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(ITERATIONS);
  }, 180_000);
});
