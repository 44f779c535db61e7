import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerReader } from "@fieldbench/formats";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

const tmp = mkdtempSync(join(tmpdir(), "inspect-registry-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a reader registered from outside (one file, toy-reader.fixture.ts, plus one registry line)", () => {
  registerReader({
    formats: ["toy"],
    description: "toy",
    load: async () => (await import("./toy-reader.fixture.js")).reader,
  });
  const path = join(tmp, "field.dat"); // the extension says nothing: the reader's own sniff claims the bytes
  writeFileSync(path, "TOY1\nspeed 2 3 0.5\n1 2 3 4 5 -6\n");

  it("inspect sniffs the file with the reader's own sniff and opens it", async () => {
    const r = await runMain(["inspect", path, "--json"], tmp);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      format: "toy",
      dims: { y: 2, x: 3 },
      attrs: { title: "toy" },
      variables: [{ name: "speed", dtype: "int16", shape: [2, 3], dims: ["y", "x"], attrs: { scale_factor: 0.5 } }],
    });
  });

  it("inspect --stats CF-decodes its values (scale_factor 0.5: 0.5 + 1 + 1.5 + 2 + 2.5 - 3 = 4.5)", async () => {
    const r = await runMain(["inspect", path, "--var", "speed", "--stats", "--json"], tmp);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 6, missing: 0, min: -3, max: 2.5, sum: 4.5 });
  });

  it("inspect --help lists it, and an unclaimed file names it among the formats read", async () => {
    expect((await runMain(["inspect", "--help"], tmp)).stdout).toMatch(/Formats: .*grib2.*, toy\./);
    const other = join(tmp, "other.dat");
    writeFileSync(other, "nothing any reader claims\n");
    const r = await runMain(["inspect", other], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/other\.dat: bytes that match no known format \(.*npy.*, toy are read\)/);
  });
});
