import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Rng, createRng } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzReader } from "../testing/fuzz-reader.js";
import { reader } from "./index.js";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "fluxnet");
const tmp = mkdtempSync(join(tmpdir(), "fluxnet-fuzz-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ALPHABET = "0123456789,-.eE+ \n\r#:aTX\t\u0000";

/** Text-level mutations: the ways a CSV gets broken (cut, edited characters, lost or doubled commas and lines). */
function mutate(text: string, donor: string, rng: Rng): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(7)) {
    case 0:
      return text.slice(0, at);
    case 1: {
      let out = text;
      for (let n = 1 + rng.int(5); n > 0; n--) {
        const i = rng.int(out.length);
        out = out.slice(0, i) + ALPHABET[rng.int(ALPHABET.length)] + out.slice(i + 1);
      }
      return out;
    }
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + rng.int(20));
    case 3:
      return `${text.slice(0, at)},${text.slice(at)}`;
    case 4: {
      const lines = text.split("\n");
      const i = rng.int(lines.length);
      lines.splice(rng.int(lines.length), 0, lines[i] as string);
      if (rng.uniform() < 0.5) lines.splice(rng.int(lines.length), 1);
      return lines.join("\n");
    }
    case 5: {
      const from = rng.int(donor.length);
      return text.slice(0, at) + donor.slice(from, from + 1 + rng.int(200)) + text.slice(at);
    }
    default: {
      // A timestamp digit changed: impossible dates, wrong widths.
      const lines = text.split("\n");
      const i = 1 + rng.int(Math.max(1, lines.length - 1));
      const line = lines[i] ?? "";
      const j = rng.int(Math.min(12, line.length + 1));
      lines[i] = line.slice(0, j) + String(rng.int(10)) + line.slice(j + (rng.uniform() < 0.7 ? 1 : 0));
      return lines.join("\n");
    }
  }
}

const SEEDS = [
  // the first 40 records of the HH SUBSET keep each file fast
  readFileSync(join(FIXTURES, "FLX_US-Ha1_FLUXNET2015_SUBSET_HH_2005-2005_1-4.csv"), "utf8")
    .split("\n")
    .slice(0, 41)
    .join("\n"),
  readFileSync(join(FIXTURES, "FLX_US-Ha1_FLUXNET2015_SUBSET_DD_2005-2005_1-4.csv"), "utf8"),
  readFileSync(join(FIXTURES, "AMF_US-Ha1_BASE_HR_17-5.csv"), "utf8").split("\n").slice(0, 30).join("\n"),
  readFileSync(join(FIXTURES, "FLX_US-Ha1_FLUXNET2015_SUBSET_MM_2005-2005_1-4.csv"), "utf8"),
];
const FILES = 1200;

describe("FLUXNET fuzz", () => {
  it(`${FILES} mutated files each read or throw a FieldbenchError naming the file`, async () => {
    const rng = createRng("fluxnet-fuzz");
    const { read, refused, slowest, unnamed } = await fuzzReader({
      reader,
      files: FILES,
      pathFor: (i) => join(tmp, `m${i % 4}.csv`),
      mutated: (i) => mutate(SEEDS[i % SEEDS.length] as string, SEEDS[rng.int(SEEDS.length)] as string, rng),
      // a few columns and the decoded time: every read re-scans the file
      pick: (variables) => [...variables.slice(0, 3), ...variables.slice(-2)],
    });
    expect(unnamed).toEqual([]);
    console.log(`fluxnet: ${read} read, ${refused} refused, slowest ${slowest.toFixed(1)} ms`);
    expect(read + refused).toBe(FILES);
    expect(refused).toBeGreaterThan(200);
    // most text edits break a record (column count, a number, the time order): about one in ten still reads
    expect(read).toBeGreaterThan(60);
    expect(slowest).toBeLessThan(2000);
  });
});
