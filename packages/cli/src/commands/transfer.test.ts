import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const tmp = mkdtempSync(join(tmpdir(), "cli-transfer-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("fieldbench transfer --datasets", () => {
  it("takes the releases' hyphenated keys (nskt16k-fb-v1) and then checks their folder", async () => {
    const r = await runMain(["transfer", "--models", "bicubic", "--datasets", "nskt16k-fb-v1=no-such-folder"], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/is not KEY/);
    expect(r.stderr).toMatch(/no-such-folder/);
  });

  it("refuses an entry that is not KEY, KEY=DIR or KEY=DIR@GRID, with one line", async () => {
    const r = await runMain(["transfer", "--models", "bicubic", "--datasets", "nskt mini"], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/"nskt mini" is not KEY, KEY=DIR or KEY=DIR@GRID/);
  });
});
