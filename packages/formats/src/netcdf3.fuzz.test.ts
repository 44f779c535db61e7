import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Rng, createRng } from "@fieldbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reader } from "./netcdf3.js";
import { fuzzReader } from "./testing/fuzz-reader.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "nc3-fuzz-"));
const savedLimit = process.env.FIELDBENCH_MAX_BYTES;
// A low allocation limit turns any size a mutated header inflates into TOO_LARGE instead of a real allocation.
beforeAll(() => {
  process.env.FIELDBENCH_MAX_BYTES = String(64 * 1024 * 1024);
});
afterAll(() => {
  if (savedLimit === undefined) delete process.env.FIELDBENCH_MAX_BYTES;
  else process.env.FIELDBENCH_MAX_BYTES = savedLimit;
  rmSync(tmp, { recursive: true, force: true });
});

/** Mutations aimed at the header (where counts, lengths, types and offsets live) but reaching the data too. */
function mutate(bytes: Uint8Array, donor: Uint8Array, rng: Rng, headerBytes: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const inHeader = () => rng.int(Math.min(out.length, headerBytes));
  switch (rng.int(6)) {
    case 0:
      return out.subarray(0, 4 + rng.int(out.length - 4));
    case 1: {
      for (let n = 1 + rng.int(4); n > 0; n--) {
        const at = rng.uniform() < 0.8 ? inHeader() : rng.int(out.length);
        out[at] = (out[at] as number) ^ (1 << rng.int(8));
      }
      return out;
    }
    case 2: {
      // A big-endian word overwritten with an extreme: counts, lengths, vsize, begin, nc_type.
      const at = inHeader() & ~3;
      const value = [0xff, 0x7f, 0x00, 0x80][rng.int(4)] as number;
      for (let i = 0; i < 4 && at + i < out.length; i++) out[at + i] = i === 0 ? value : rng.int(2) ? 0xff : 0;
      return out;
    }
    case 3: {
      // Splice: a run of another file's bytes pasted over this one.
      const at = 4 + rng.int(out.length - 4);
      const length = Math.min(1 + rng.int(64), out.length - at);
      const from = rng.int(Math.max(1, donor.length - length));
      out.set(donor.subarray(from, from + length), at);
      return out;
    }
    case 4: {
      // Splice: this file's head joined to another file's tail.
      const cut = 4 + rng.int(out.length - 4);
      const tail = donor.subarray(rng.int(donor.length));
      const joined = new Uint8Array(cut + tail.length);
      joined.set(out.subarray(0, cut));
      joined.set(tail, cut);
      return joined;
    }
    default: {
      // numrecs set to streaming or to a large count.
      out[4] = 0xff;
      out[5] = 0xff;
      out[6] = 0xff;
      out[7] = rng.int(2) ? 0xff : rng.int(256);
      return out;
    }
  }
}

const VERSIONS = [
  ["classic", "netcdf3.classic.nc"],
  ["64-bit offset", "netcdf3.64bit-offset.nc"],
  ["CDF5", "netcdf3.cdf5.nc"],
] as const;
const DONORS = ["netcdf3.classic.nc", "netcdf3.64bit-offset.nc", "netcdf3.cdf5.nc", "netcdf3.ncgen-classic.nc"].map(
  (name) => readFileSync(join(FIXTURES, name)),
);
// FIELDBENCH_FUZZ_ITERATIONS runs a longer campaign locally; CI runs the default.
const FILES_PER_VERSION = Number(process.env.FIELDBENCH_FUZZ_ITERATIONS ?? 1100);

describe.each(VERSIONS)("%s", (label, seedName) => {
  it(`${FILES_PER_VERSION} mutated files each read or throw a FieldbenchError, quickly`, async () => {
    const seed = readFileSync(join(FIXTURES, seedName));
    const rng = createRng(`netcdf3-fuzz-${label}`);
    const { read, refused, slowest, codes, unnamed } = await fuzzReader({
      reader,
      files: FILES_PER_VERSION,
      pathFor: (i) => join(tmp, `${label.replace(/\W/g, "")}-${i % 4}.nc`),
      mutated: () => mutate(seed, DONORS[rng.int(DONORS.length)] as Uint8Array, rng, 1500),
    });
    expect(unnamed).toEqual([]);
    console.log(
      `${label}: ${read} read, ${refused} refused ${JSON.stringify(codes)}, slowest ${slowest.toFixed(1)} ms`,
    );
    // Only these describe a bad file; anything else (BAD_USAGE, INTERNAL) would be a reader bug.
    expect(Object.keys(codes).every((code) => code === "CORRUPT_FILE" || code === "TOO_LARGE")).toBe(true);
    expect(read + refused).toBe(FILES_PER_VERSION);
    expect(refused).toBeGreaterThan(FILES_PER_VERSION / 5);
    expect(read).toBeGreaterThan(FILES_PER_VERSION / 20);
    expect(slowest).toBeLessThan(2000);
  });
});
