import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng, isFieldbenchError } from "@fieldbench/core";
import { writeHdf5 } from "@fieldbench/formats";
import { afterAll, describe, expect, it } from "vitest";
import { getDataset } from "./datasets.js";
import { openSplit } from "./reader.js";

const dir = mkdtempSync(join(tmpdir(), "fieldbench-reader-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("SuperBench reader on damaged files", () => {
  it("reads or throws a FieldbenchError for 1000 mutated or truncated split files, never anything else", async () => {
    const spec = { ...getDataset("nskt_mini"), hr: [16, 16] as const, storedRows: 16 };
    const root = join(dir, "set");
    mkdirSync(join(root, "test_1"), { recursive: true });
    const path = join(root, "test_1", "a.h5");
    const data = Float32Array.from({ length: 2 * 3 * 16 * 16 }, (_, i) => Math.cos(i));
    await writeHdf5(path, [
      { name: "fields", data, shape: [2, 3, 16, 16], chunks: [1, 3, 16, 16], compression: "gzip" },
    ]);
    const original = readFileSync(path);
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      const rng = createRng(i);
      let bytes = Buffer.from(original);
      if (i % 3 === 0) bytes = bytes.subarray(0, rng.int(bytes.length));
      else for (let k = 0, n = 1 + rng.int(8); k < n; k++) bytes[rng.int(bytes.length)] = rng.int(256);
      writeFileSync(path, bytes);
      try {
        const split = await openSplit(root, "test_1", spec);
        try {
          for (let s = 0; s < split.length; s++) expect((await split.readHr(s)).length).toBe(3 * 16 * 16);
        } finally {
          await split.close();
        }
        read++;
      } catch (err) {
        if (!isFieldbenchError(err)) throw err;
        refused++;
      }
    }
    expect(read + refused).toBe(1000);
    expect(refused).toBeGreaterThan(0);
  });
});
