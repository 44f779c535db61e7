import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers.js";

// The built binary on committed fixtures (tools/fixtures/segy.py, tools/fixtures/fluxnet.py).
const SEGY = join(ROOT, "packages", "formats", "fixtures", "segy");
const FLUXNET = join(ROOT, "packages", "formats", "fixtures", "fluxnet");

describe("fieldbench inspect (binary) on SEG-Y and FLUXNET", () => {
  it("prints the segy block of a little-endian segyio file", () => {
    const r = runCli(["inspect", join(SEGY, "cube.ieee.le.sgy"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.segy).toMatchObject({
      revision: "0",
      sampleFormat: 5,
      endianness: "little",
      samplesPerTrace: 24,
      sampleIntervalUs: 4000,
      traceCount: 20,
      geometry: { kind: "cube", sorting: "crossline" },
    });
    expect(typeof report.segy.textualHeader).toBe("string");
  });

  it("prints the fluxnet block of a daily SUBSET file", () => {
    const r = runCli(["inspect", join(FLUXNET, "FLX_US-Ha1_FLUXNET2015_SUBSET_DD_2005-2005_1-4.csv"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).fluxnet).toEqual(
      expect.objectContaining({
        site: "US-Ha1",
        product: "SUBSET",
        resolution: "DD",
        start: "2005-04-01",
        end: "2005-04-05",
        rows: 5,
        columns: 10,
      }),
    );
  });

  it("exits 2 with one line for a CSV with a non-numeric value", () => {
    const path = join(mkdtempSync(join(tmpdir(), "e2e-fluxnet-")), "bad.csv");
    writeFileSync(path, "TIMESTAMP,TA_F\n20050101,1.5\n20050102,warm\n");
    const r = runCli(["inspect", path, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`fieldbench: ${path}: line 3: column TA_F: "warm" is not a number\n`);
  });
});
