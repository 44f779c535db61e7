import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runMain } from "../testing.js";

// Fixtures: tools/fixtures/segy.py (segyio 1.8.3 expectations beside each file) and tools/fixtures/fluxnet.py.
const SEGY = fileURLToPath(new URL("../../../formats/fixtures/segy/", import.meta.url));
const FLUXNET = fileURLToPath(new URL("../../../formats/fixtures/fluxnet/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "cli-segy-fluxnet-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (argv: string[]) => runMain(argv);

describe("fieldbench inspect on SEG-Y", () => {
  it("prints the segy block, the cube and every trace header field", async () => {
    const expected = JSON.parse(readFileSync(join(SEGY, "cube.ibm.be.expected.json"), "utf8"));
    const r = await run(["inspect", join(SEGY, "cube.ibm.be.sgy"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("segy");
    expect(report.segy).toMatchObject({
      revision: "0",
      sampleFormat: 1,
      endianness: "big",
      samplesPerTrace: 24,
      sampleIntervalUs: 4000,
      traceCount: 20,
      geometry: { kind: "cube", sorting: "inline", inlines: 4, crosslines: 5 },
    });
    expect(report.segy.textualHeader.split("\n")[0]).toBe("C 1 fieldbench fixture cube.ibm.be");
    expect(report.segy.binaryHeader).toEqual(expected.bin);
    const data = report.variables.find((v: { name: string }) => v.name === "data");
    expect(data).toMatchObject({ shape: [4, 5, 24], dims: ["inline", "crossline", "sample"] });
    const names = report.variables.map((v: { name: string }) => v.name);
    expect(names).toEqual(expect.arrayContaining(["INLINE_3D", "CROSSLINE_3D", "CDP_X", "CDP_Y", "offset"]));
    expect(names).toHaveLength(1 + 91 + 3);
  });

  it("text output leads with geometry and binary header, then the cube, then one line per trace header field", async () => {
    const r = await run(["inspect", join(SEGY, "cube.ibm.be.sgy")]);
    expect(r.code, r.stderr).toBe(0);
    const at = (text: string) => r.stdout.indexOf(text);
    expect(at('"geometry"')).toBeGreaterThan(0);
    expect(at('"geometry"')).toBeLessThan(at('"binaryHeader"'));
    expect(at('"binaryHeader"')).toBeLessThan(at("variables:"));
    expect(at("variables:")).toBeLessThan(at("float32 data(inline, crossline, sample)"));
    expect(at("float32 data(inline, crossline, sample)")).toBeLessThan(at("TRACE_SEQUENCE_LINE"));
    // segyio's field bytes: INLINE_3D at 189, CROSSLINE_3D at 193 (segyio.TraceField)
    expect(r.stdout).toContain("\tint32 INLINE_3D(trace) ; // byte 189\n");
    expect(r.stdout).toContain("\tint32 CROSSLINE_3D(trace) ; // byte 193\n");
    expect(r.stdout.match(/ \/\/ byte \d+$/gm)).toHaveLength(91);
  });

  it("honours --inline-byte/--crossline-byte", async () => {
    const path = join(SEGY, "cube.inline-byte-17.crossline-byte-21.ieee.sgy");
    const r = await run(["inspect", path, "--inline-byte", "17", "--crossline-byte", "21", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).segy.geometry).toMatchObject({ kind: "cube", inlineByte: 17, crosslineByte: 21 });
    const bad = await run(["inspect", path, "--inline-byte", "18", "--json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/inline byte 18 is not the first byte of a standard trace header field/);
  });

  it("gives --stats of a trace header field as segyio reads it", async () => {
    const expected = JSON.parse(readFileSync(join(SEGY, "cube.ieee.le.expected.json"), "utf8"));
    const r = await run(["inspect", join(SEGY, "cube.ieee.le.sgy"), "--var", "CDP_X", "--stats", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const cdpx = expected.headers.CDP_X as number[];
    expect(JSON.parse(r.stdout)).toMatchObject({
      count: 20,
      min: Math.min(...cdpx),
      max: Math.max(...cdpx),
      first: cdpx[0],
      last: cdpx[19],
    });
  });

  it("exits 2 with one line naming file and problem for broken headers and cut files", async () => {
    const bytes = readFileSync(join(SEGY, "cube.ibm.be.sgy"));
    const huge = Buffer.from(bytes);
    huge[3500] = 2;
    huge.writeInt32BE(1_000_000_000, 3268);
    const unknown = Buffer.from(bytes);
    unknown.writeInt16BE(4, 3224);
    const cases = [
      ["huge.sgy", huge, /huge\.sgy: binary header declares 1000000000 samples per trace/],
      ["unknown.sgy", unknown, /unknown\.sgy: unknown SEG-Y sample format code 4/],
      ["cut.sgy", bytes.subarray(0, bytes.length - 50), /cut\.sgy: file ends inside trace 19/],
    ] as const;
    for (const [name, content, message] of cases) {
      const path = join(tmp, name);
      writeFileSync(path, content);
      const r = await run(["inspect", path, "--json"]);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("fieldbench inspect on FLUXNET", () => {
  it("prints the fluxnet block and each column with -9999 as _FillValue", async () => {
    const r = await run(["inspect", join(FLUXNET, "FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2005-2005_1-4.csv"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe("fluxnet");
    expect(report.fluxnet).toMatchObject({
      site: "US-Ha1",
      product: "FULLSET",
      resolution: "HH",
      start: "2005-04-01T00:00",
      end: "2005-04-05T00:00",
      rows: 192,
      columns: 34,
    });
    const nee = report.variables.find((v: { name: string }) => v.name === "NEE_VUT_REF");
    expect(nee).toMatchObject({ dtype: "float64", shape: [192], dims: ["time"], attrs: { _FillValue: -9999 } });
  });

  it("masks -9999 in --stats and prints times across the DST date unshifted", async () => {
    const path = join(FLUXNET, "FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2005-2005_1-4.csv");
    const stats = await run(["inspect", path, "--var", "NEE_VUT_REF", "--stats", "--json"]);
    expect(JSON.parse(stats.stdout)).toMatchObject({ count: 162, missing: 30 });
    const times = await run(["inspect", path, "--var", "time", "--values", "--json"]);
    expect(JSON.parse(times.stdout).values.slice(100, 102)).toEqual(["2005-04-03T02:00:00", "2005-04-03T02:30:00"]);
  });

  it("reads the AmeriFlux BASE header lines", async () => {
    const r = await run(["inspect", join(FLUXNET, "AMF_US-Ha1_BASE_HR_17-5.csv"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).fluxnet).toMatchObject({
      site: "US-Ha1",
      product: "BASE",
      resolution: "HR",
      version: "17-5",
    });
  });

  it("exits 2 with file, line and problem for a short row or a non-numeric value", async () => {
    const header = "TIMESTAMP_START,TIMESTAMP_END,TA_F,NEE_VUT_REF";
    const cases = [
      [
        "short.csv",
        `${header}\n200501010000,200501010030,1,2\n200501010030,200501010100,1\n`,
        /short\.csv: line 3: 3 fields where the header has 4 columns/,
      ],
      [
        "text.csv",
        `${header}\n200501010000,200501010030,n/a,2\n`,
        /text\.csv: line 2: column TA_F: "n\/a" is not a number/,
      ],
    ] as const;
    for (const [name, text, message] of cases) {
      const path = join(tmp, name);
      writeFileSync(path, text);
      const r = await run(["inspect", path, "--json"]);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
