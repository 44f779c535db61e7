import { readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRng, isFieldbenchError } from "@fieldbench/core";
import { afterAll, expect, it } from "vitest";
import { openFile } from "./open.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "npy-fuzz-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Header-aware mutations: most land in the first 128 bytes, where the parser lives. */
function mutate(bytes: Uint8Array, rng: ReturnType<typeof createRng>): Uint8Array {
  const out = Uint8Array.from(bytes);
  switch (rng.int(5)) {
    case 0:
      return out.subarray(0, rng.int(out.length));
    case 1: {
      // Anywhere: flips in the data region must read, flips in the header must read or be refused.
      for (let n = 1 + rng.int(4); n > 0; n--) out[rng.int(out.length)] = rng.int(256);
      return out;
    }
    case 2: {
      const chars = "(),:'\" 0123456789TrueFalse{}<>|fiub";
      for (let n = 1 + rng.int(3); n > 0; n--)
        out[10 + rng.int(Math.min(out.length - 10, 100))] = chars.charCodeAt(rng.int(chars.length));
      return out;
    }
    case 3: {
      // Header length field.
      out[8] = rng.int(256);
      out[9] = rng.int(256);
      return out;
    }
    default: {
      // Shape digits grown: huge declared sizes.
      const text = new TextDecoder("latin1").decode(out.subarray(0, 128));
      const at = text.indexOf("'shape': (");
      if (at >= 0) out[at + 10] = "9".charCodeAt(0);
      out[6] = 1 + rng.int(4);
      return out;
    }
  }
}

it("1200 mutated .npy files each read or throw a FieldbenchError", async () => {
  const seeds = readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".npy"))
    .map((f) => readFileSync(join(FIXTURES, f)));
  const rng = createRng("npy-fuzz");
  let read = 0;
  let refused = 0;
  for (let i = 0; i < 1200; i++) {
    const bytes = mutate(seeds[rng.int(seeds.length)] as Uint8Array, rng);
    const path = join(tmp, `m${i % 8}.npy`);
    writeFileSync(path, bytes);
    try {
      const file = await openFile(path);
      for (const v of file.variables) await file.read(v.name);
      read++;
    } catch (err) {
      if (!isFieldbenchError(err)) throw err;
      refused++;
    }
  }
  expect(read + refused).toBe(1200);
  expect(refused).toBeGreaterThan(100);
  expect(read).toBeGreaterThan(20);
});
