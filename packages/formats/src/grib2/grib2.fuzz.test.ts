import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createRng, isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { openGrib2 } from "./index.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures");
const seeds = readdirSync(FIXTURES)
  .filter((n) => n.endsWith(".grib2"))
  .map((n) => new Uint8Array(readFileSync(join(FIXTURES, n))));

function bufferSource(bytes: Uint8Array) {
  return {
    size: bytes.length,
    read: async (offset: number, length: number) => {
      if (offset < 0 || offset + length > bytes.length) throw new Error("read outside the buffer");
      return bytes.slice(offset, offset + length);
    },
  };
}

/** Mutations that hit GRIB2's weak spots: lengths, template numbers, counts, bit widths, truncation. */
function mutate(seed: Uint8Array, rng: ReturnType<typeof createRng>): Uint8Array {
  const bytes = seed.slice();
  switch (rng.int(5)) {
    case 0:
      return bytes.slice(0, rng.int(bytes.length));
    case 1: {
      for (let k = 1 + rng.int(8); k > 0; k--) bytes[rng.int(Math.min(bytes.length, 220))] = rng.int(256);
      return bytes;
    }
    case 2: {
      for (let k = 1 + rng.int(30); k > 0; k--) bytes[rng.int(bytes.length)] = rng.int(256);
      return bytes;
    }
    case 3: {
      // Set a random 4-byte field in the headers to a huge or zero value.
      const at = rng.int(Math.min(bytes.length - 4, 200));
      const value = rng.int(2) === 0 ? 0xff : 0;
      for (let i = 0; i < 4; i++) bytes[at + i] = value;
      return bytes;
    }
    default: {
      const cut = rng.int(bytes.length);
      return Uint8Array.from([...bytes.subarray(0, cut), ...bytes.subarray(cut + 1 + rng.int(16))]);
    }
  }
}

describe("GRIB2 fuzzing", () => {
  it("reads or refuses 1500 mutated files with a FieldbenchError, never another exception", async () => {
    const rng = createRng("grib2-fuzz");
    let refused = 0;
    let read = 0;
    for (let i = 0; i < 1500; i++) {
      const bytes = mutate(seeds[i % seeds.length] as Uint8Array, rng);
      try {
        const file = await openGrib2(bufferSource(bytes), `fuzz-${i}.grib2`);
        for (const v of file.variables) {
          try {
            await file.read(v.name);
            read++;
          } catch (err) {
            if (!isFieldbenchError(err)) throw err;
            refused++;
          }
        }
      } catch (err) {
        if (!isFieldbenchError(err)) throw new Error(`mutation ${i}: ${(err as Error).stack}`);
        refused++;
      }
    }
    expect(read + refused).toBeGreaterThan(1500);
    expect(refused).toBeGreaterThan(100);
  }, 60_000);
});
