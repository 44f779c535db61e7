import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { variableStats } from "./inspect.js";
import { openFile } from "./open.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "zarr");

describe("variableStats bounds", () => {
  it("refuses --stats on a declared 10^12-element variable at once instead of scanning it for hours", async () => {
    // A real zarr-python store whose .zarray is edited to declare 10^6 x 10^6: every chunk is missing (fill).
    const root = join(mkdtempSync(join(tmpdir(), "fb-inspect-")), "huge.zarr");
    cpSync(join(FIXTURES, "v2.zlib.f4.zarr"), root, { recursive: true });
    const zarray = JSON.parse(readFileSync(join(root, ".zarray"), "utf8"));
    zarray.shape = [1_000_000, 1_000_000];
    writeFileSync(join(root, ".zarray"), JSON.stringify(zarray));
    const file = await openFile(root);
    const started = Date.now();
    const err = await variableStats(file, "huge").catch((e: unknown) => e);
    expect(isFieldbenchError(err, "TOO_LARGE")).toBe(true);
    expect((err as Error).message).toMatch(/declares 1\.000e\+12 elements; --stats scans at most 1\.0e\+10/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
