import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { openFile } from "./open.js";
import { programError } from "./program-error.js";
import { registerReader } from "./registry.js";
import type { FormatReader } from "./types.js";

const tmp = mkdtempSync(join(tmpdir(), "fieldbench-open-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A reader claiming files that start with `magic`, whose open or read throws `fail()`. */
function failingReader(magic: string, where: "open" | "read", fail: () => Error): FormatReader {
  return {
    format: magic,
    sniff: (probe) => new TextDecoder().decode(probe.head.subarray(0, magic.length)) === magic,
    open: async (path) => {
      if (where === "open") throw fail();
      return {
        format: magic,
        path,
        dims: {},
        attrs: {},
        variables: [{ name: "v", dtype: "float32", shape: [1], dims: ["x"], attrs: {} }],
        read: async () => {
          throw fail();
        },
        close: async () => {},
      };
    },
  };
}

async function outcome(magic: string, where: "open" | "read", fail: () => Error): Promise<unknown> {
  const reader = failingReader(magic, where, fail);
  registerReader({ formats: [magic], description: magic, load: async () => reader });
  const path = join(tmp, magic);
  writeFileSync(path, `${magic}\n`);
  try {
    const file = await openFile(path);
    await file.read("v");
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("openFile keeps a reader's bugs apart from corrupt input", () => {
  it("a library's plain Error on open or read becomes CORRUPT_FILE naming the file", async () => {
    for (const where of ["open", "read"] as const) {
      const err = await outcome(`plain-${where}`, where, () => new Error("bad header"));
      expect(isFieldbenchError(err, "CORRUPT_FILE"), where).toBe(true);
      expect((err as Error).message).toContain(`plain-${where}`);
    }
  });

  it("a TypeError or RangeError is rethrown as it is, so fuzz tests and the CLI see a bug, not a refusal", async () => {
    const typeError = await outcome("type-open", "open", () => new TypeError("x is undefined"));
    expect(typeError).toBeInstanceOf(TypeError);
    const rangeError = await outcome("range-read", "read", () => new RangeError("Offset is outside the bounds"));
    expect(rangeError).toBeInstanceOf(RangeError);
    expect(isFieldbenchError(rangeError)).toBe(false);
  });

  it("rebuilds a program error the HDF5 worker reports by name, and only those", () => {
    expect(programError("RangeError", "f.h5: Invalid typed array length")).toBeInstanceOf(RangeError);
    expect(programError("Error", "f.h5: truncated file")).toBeUndefined();
    expect(programError(undefined, "f.h5")).toBeUndefined();
  });
});
