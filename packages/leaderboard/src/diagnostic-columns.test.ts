import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { afterAll, describe, expect, it } from "vitest";
import { oodRatio, readMeanAlphas } from "./diagnostic-columns.js";
import type { SuperbenchResult } from "./schema.js";

const root = mkdtempSync(join(tmpdir(), "fieldbench-diag-columns-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const withRfne = (t1: number | null, t2: number | null) =>
  ({ splits: { test_1: { metrics: { rfne: t1 } }, test_2: { metrics: { rfne: t2 } } } }) as unknown as SuperbenchResult;

describe("diagnostic columns", () => {
  it("OOD is RFNE test_2 over test_1, n/a without both", () => {
    // 0.15 / 0.12 = 1.25
    expect(oodRatio(withRfne(0.12, 0.15))).toBeCloseTo(1.25, 14);
    expect(oodRatio(withRfne(null, 0.15))).toBeNull();
    expect(oodRatio(withRfne(0, 0.15))).toBeNull();
  });

  it("reads mean alpha per package from weights diagnose reports, and names a broken one", () => {
    const write = (dir: string, text: string) => {
      mkdirSync(join(root, "diagnostics", "weights", dir), { recursive: true });
      writeFileSync(join(root, "diagnostics", "weights", dir, "weights.json"), text);
    };
    write("a", JSON.stringify({ package: { name: "@x/a" }, summary: { meanAlpha: 3.5 } }));
    write("b", JSON.stringify({ package: { name: "@x/b" }, summary: { meanAlpha: null } }));
    expect([...readMeanAlphas(root)]).toEqual([
      ["@x/a", 3.5],
      ["@x/b", null],
    ]);
    expect(readMeanAlphas(join(root, "nothing-here")).size).toBe(0);
    write("c", "{ not json");
    try {
      readMeanAlphas(root);
      expect.unreachable();
    } catch (err) {
      expect(isFieldbenchError(err, "CORRUPT_FILE")).toBe(true);
      expect((err as Error).message).toMatch(/diagnostics\/weights\/c\/weights\.json: not JSON/);
    }
  });
});
