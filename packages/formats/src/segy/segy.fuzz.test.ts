import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Rng, createRng } from "@fieldbench/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzReader } from "../testing/fuzz-reader.js";
import { reader } from "./index.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "segy");
const tmp = mkdtempSync(join(tmpdir(), "segy-fuzz-"));
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

/** Binary-header words that steer the layout: samples, interval, format, revision, extended headers, rev 2 counts. */
const HOT_OFFSETS = [3216, 3220, 3224, 3296, 3500, 3502, 3504, 3268, 3272, 3512, 3520];

function mutate(bytes: Uint8Array, donor: Uint8Array, rng: Rng): Uint8Array {
  const out = Uint8Array.from(bytes);
  switch (rng.int(6)) {
    case 0:
      return out.subarray(0, rng.int(out.length));
    case 1: {
      // Bit flips, mostly in the binary header and the first trace headers.
      for (let n = 1 + rng.int(6); n > 0; n--) {
        const at = rng.uniform() < 0.7 ? 3200 + rng.int(Math.min(out.length - 3200, 1200)) : rng.int(out.length);
        out[at] = (out[at] as number) ^ (1 << rng.int(8));
      }
      return out;
    }
    case 2: {
      const at = HOT_OFFSETS[rng.int(HOT_OFFSETS.length)] as number;
      const width = [2, 4, 8][rng.int(3)] as number;
      for (let i = 0; i < width && at + i < out.length; i++)
        out[at + i] = [0xff, 0x7f, 0x00, 0x80, rng.int(256)][rng.int(5)] as number;
      return out;
    }
    case 3: {
      const at = rng.int(out.length);
      const length = Math.min(1 + rng.int(400), out.length - at);
      const from = rng.int(Math.max(1, donor.length - length));
      out.set(donor.subarray(from, from + length), at);
      return out;
    }
    case 4: {
      const cut = rng.int(out.length);
      const tail = donor.subarray(rng.int(donor.length));
      const joined = new Uint8Array(cut + tail.length);
      joined.set(out.subarray(0, cut));
      joined.set(tail, cut);
      return joined;
    }
    default: {
      // Inline/crossline/offset words of random traces scrambled: geometry analysis on nonsense.
      for (let n = 1 + rng.int(8); n > 0; n--) {
        const trace = rng.int(20);
        const at = 3600 + trace * 336 + [188, 192, 36, 8][rng.int(4)]!;
        if (at + 4 <= out.length) for (let i = 0; i < 4; i++) out[at + i] = rng.int(256);
      }
      return out;
    }
  }
}

const SEEDS = ["cube.ibm.be", "cube.ieee.le", "irregular.missing-traces.ibm", "rev2.format6.le", "rev2.format12.be"];
const DONORS = SEEDS.map((name) => readFileSync(join(FIXTURES, `${name}.sgy`)));
const FILES = 1200;

describe("SEG-Y fuzz", () => {
  it(`${FILES} mutated files each read or throw a FieldbenchError naming the file, quickly`, async () => {
    const rng = createRng("segy-fuzz");
    const { read, refused, slowest, unnamed } = await fuzzReader({
      reader,
      files: FILES,
      pathFor: (i) => join(tmp, `m${i % 4}.sgy`),
      mutated: (i) =>
        mutate(DONORS[i % DONORS.length] as Uint8Array, DONORS[rng.int(DONORS.length)] as Uint8Array, rng),
    });
    expect(unnamed).toEqual([]);
    console.log(`segy: ${read} read, ${refused} refused, slowest ${slowest.toFixed(1)} ms`);
    expect(read + refused).toBe(FILES);
    expect(refused).toBeGreaterThan(200);
    expect(read).toBeGreaterThan(200);
    expect(slowest).toBeLessThan(2000);
  });
});
