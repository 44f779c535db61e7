import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { openFile } from "../open.js";
import type { OpenFile } from "../types.js";
import { TRACE_FIELDS } from "./fields.js";
import { openSegy } from "./index.js";

// Expectations are what segyio 1.8.3 reads from the same files (tools/fixtures/segy.py), or for rev 2
// sample formats segyio cannot write, the numpy values the script wrote.
const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "segy");

interface Expected {
  file: string;
  endianness: "big" | "little";
  format: number;
  traceCount: number;
  samplesPerTrace: number;
  samples_ms?: number[];
  text: string;
  extendedText?: string;
  textualEncoding?: string;
  revision?: string;
  bin?: Record<string, number>;
  headers: Record<string, number[]>;
  data: (number | string)[][];
  geometry?: { ilines?: number[]; xlines?: number[]; sorting?: string; cube?: number[][][]; segyio_error?: string };
  removed?: [number, number][];
}

const expectations = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".expected.json"))
  .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Expected);

function cards(text: string): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 80) lines.push(text.slice(i, i + 80).trimEnd());
  return lines.join("\n");
}

function expectClose(actual: ArrayLike<number | bigint>, expected: readonly (number | string)[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number | string;
    const a = actual[i] as number | bigint;
    if (typeof e === "string") expect(String(a), `${what}[${i}]`).toBe(e);
    else if (Number.isInteger(e) && typeof a !== "bigint" && Number.isInteger(a)) expect(a, `${what}[${i}]`).toBe(e);
    else expect(Math.abs(Number(a) - e), `${what}[${i}] ${a} vs ${e}`).toBeLessThanOrEqual(1e-6 * Math.abs(e) + 1e-30);
  }
}

function segyOf(file: OpenFile): Record<string, unknown> {
  const block = file.extra?.segy;
  if (block === undefined) throw new Error(`${file.path}: no segy block`);
  return block as Record<string, unknown>;
}

function inlineMajor(cube: number[][][], sorting?: string): number[][][] {
  if (sorting !== "crossline") return cube;
  const first = cube[0] ?? [];
  return first.map((_, il) => cube.map((row) => row[il] ?? []));
}

function optionsFor(exp: Expected): Record<string, number> {
  return exp.file.includes("inline-byte-17") ? { inlineByte: 17, crosslineByte: 21 } : {};
}

describe("SEG-Y reader against segyio", () => {
  it("has fixtures for every format and layout", () => {
    expect(expectations.map((e) => e.format).sort((a, b) => a - b)).toEqual(
      expect.arrayContaining([1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 15, 16]),
    );
  });

  for (const exp of expectations) {
    it(`${exp.file}: headers, samples and geometry equal the reference`, async () => {
      const file = await openFile(join(FIXTURES, exp.file), optionsFor(exp));
      try {
        expect(file.format).toBe("segy");
        const block = file.extra?.segy as Record<string, unknown>;
        expect(block.endianness).toBe(exp.endianness);
        expect(block.sampleFormat).toBe(exp.format);
        expect(block.traceCount).toBe(exp.traceCount);
        expect(block.samplesPerTrace).toBe(exp.samplesPerTrace);
        expect(block.textualHeader).toBe(cards(exp.text));
        if (exp.textualEncoding !== undefined) expect(block.textualEncoding).toBe(exp.textualEncoding);
        if (exp.revision !== undefined) expect(block.revision).toBe(exp.revision);
        if (exp.extendedText) expect(block.extendedTextualHeaders).toEqual([cards(exp.extendedText)]);
        if (exp.bin !== undefined) expect(block.binaryHeader).toEqual(exp.bin);
        for (const [name, values] of Object.entries(exp.headers)) {
          const raw = await file.read(name);
          expect(Array.from(raw.data as Int32Array), name).toEqual(values);
        }
        if (exp.samples_ms !== undefined) {
          expectClose((await file.read("sample")).data as Float64Array, exp.samples_ms, "sample");
        }
        const data = await file.read("data");
        const g = exp.geometry;
        if (g?.ilines !== undefined && g.xlines !== undefined) {
          expect(data.shape).toEqual([g.ilines.length, g.xlines.length, exp.samplesPerTrace]);
          expect(Array.from((await file.read("inline")).data as Int32Array)).toEqual(g.ilines);
          expect(Array.from((await file.read("crossline")).data as Int32Array)).toEqual(g.xlines);
          expect((block.geometry as Record<string, unknown>).sorting).toBe(g.sorting);
          // segyio's cube is [slow, fast, sample]: [crossline, inline, sample] for crossline-sorted files;
          // the rev 2 fixtures are inline-sorted with no segyio cube, so their traces are the cube in order.
          const ref = g.cube === undefined ? exp.data.flat() : inlineMajor(g.cube, g.sorting).flat(2);
          expectClose(data.data as Float32Array, ref, "cube");
        } else {
          expect(data.shape).toEqual([exp.traceCount, exp.samplesPerTrace]);
          expectClose(data.data as Float32Array, exp.data.flat(), "data");
        }
      } finally {
        await file.close();
      }
    });
  }

  it("reads a trace-header field over a range of traces", async () => {
    const exp = expectations.find((e) => e.file === "cube.ibm.be.sgy") as Expected;
    const file = await openFile(join(FIXTURES, exp.file));
    const raw = await file.read("CDP_X", [[3, 9]]);
    expect(Array.from(raw.data as Int32Array)).toEqual(exp.headers.CDP_X?.slice(3, 9));
    await file.close();
  });
});

describe("SEG-Y geometry", () => {
  it("reports the cells missing from an irregular survey", async () => {
    const file = await openFile(join(FIXTURES, "irregular.missing-traces.ibm.sgy"));
    const geometry = (segyOf(file) as unknown as { geometry: Record<string, unknown> }).geometry;
    // 4 inlines x 5 crosslines = 20 cells; the script removed (1,12), (3,10) and (4,14)
    expect(geometry).toMatchObject({ kind: "irregular", sorting: "inline", inlines: 4, crosslines: 5, missing: 3 });
    expect(geometry.missingCells).toEqual([
      [1, 12],
      [3, 10],
      [4, 14],
    ]);
    expect(file.variables.find((v) => v.name === "data")?.shape).toEqual([17, 24]);
    await file.close();
  });

  it("finds the grid of an unsorted file", async () => {
    const file = await openFile(join(FIXTURES, "unsorted.shuffled.ieee.sgy"));
    const geometry = (segyOf(file) as unknown as { geometry: Record<string, unknown> }).geometry;
    expect(geometry).toMatchObject({ kind: "irregular", sorting: "unsorted", missing: 0, duplicates: 0 });
    await file.close();
  });

  it("needs the inline/crossline byte override for a survey keyed on bytes 17 and 21", async () => {
    const path = join(FIXTURES, "cube.inline-byte-17.crossline-byte-21.ieee.sgy");
    const plain = await openFile(path);
    expect((segyOf(plain) as unknown as { geometry: { kind: string } }).geometry.kind).toBe("gathers");
    await plain.close();
    const keyed = await openFile(path, { inlineByte: 17, crosslineByte: 21 });
    expect((segyOf(keyed) as unknown as { geometry: Record<string, unknown> }).geometry).toMatchObject({
      kind: "cube",
      inlineByte: 17,
      crosslineByte: 21,
    });
    await keyed.close();
  });

  it("keeps a 2-D line and shot gathers as traces", async () => {
    for (const [name, kind] of [
      ["line2d.ieee.sgy", "line"],
      ["shots.ieee.sgy", "gathers"],
    ] as const) {
      const file = await openFile(join(FIXTURES, name));
      expect((segyOf(file) as unknown as { geometry: { kind: string } }).geometry.kind, name).toBe(kind);
      expect(file.variables.find((v) => v.name === "data")?.dims).toEqual(["trace", "sample"]);
      await file.close();
    }
  });
});

describe("SEG-Y streaming access", () => {
  const exp = expectations.find((e) => e.file === "cube.ieee.le.sgy") as Expected;
  const cube = inlineMajor(exp.geometry?.cube as number[][][], exp.geometry?.sorting);

  it("reads by inline, by crossline, by trace and a time slice", async () => {
    const segy = await openSegy(join(FIXTURES, exp.file));
    try {
      expectClose(await segy.inline(3), cube[2]?.flat() ?? [], "inline 3");
      expectClose(
        await segy.crossline(12),
        cube.flatMap((row) => row[2] ?? []),
        "crossline 12",
      );
      expectClose(await segy.trace(7), (exp.data[7] ?? []) as number[], "trace 7");
      expectClose(
        await segy.sampleSlice(9),
        cube.flatMap((row) => row.map((trace) => trace[9] as number)),
        "slice 9",
      );
      const slice = await segy.readTraces(0, exp.traceCount, 5, 6);
      expectClose(
        slice,
        exp.data.map((row) => row[5] as number),
        "time slice 5",
      );
      expect(await segy.readHeader(4)).toMatchObject(
        Object.fromEntries(TRACE_FIELDS.map(([n]) => [n, exp.headers[n]?.[4]])),
      );
    } finally {
      await segy.close();
    }
  });
});

describe("SEG-Y long traces", () => {
  const dir = mkdtempSync(join(tmpdir(), "fieldbench-segy-long-"));
  // Known values written byte by byte: sample s of trace t is t * 1000 + s (exact in every format below).
  const cases = [
    ["cube.int32.be.sgy", 2, 4, false],
    ["cube.ieee.le.sgy", 5, 4, true],
    ["cube.int16.le.sgy", 3, 2, true],
    ["cube.ieee.be.sgy", 5, 4, false],
  ] as const;
  for (const [source, code, bytes, little] of cases) {
    it(`reads windows and headers of 2500-sample traces (format ${code}, ${little ? "little" : "big"} endian)`, async () => {
      // 4-byte samples make 10240-byte traces: headers are read one by one, not in spans of whole traces
      const traces = 12;
      const samples = 2500;
      const traceBytes = 240 + samples * bytes;
      const file = Buffer.alloc(3600 + traces * traceBytes);
      readFileSync(join(FIXTURES, source)).copy(file, 0, 0, 3600);
      const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
      view.setInt16(3220, samples, little);
      for (let t = 0; t < traces; t++) {
        const base = 3600 + t * traceBytes;
        view.setInt32(base, t + 1, little);
        for (let s = 0; s < samples; s++) {
          const at = base + 240 + s * bytes;
          const value = (t * 1000 + s) % 30000;
          if (code === 2) view.setInt32(at, value, little);
          else if (code === 3) view.setInt16(at, value, little);
          else view.setFloat32(at, value, little);
        }
      }
      const path = join(dir, `long-${code}-${little}.sgy`);
      writeFileSync(path, file);
      const segy = await openSegy(path, { ignoreGeometry: true });
      try {
        const window = await segy.readTraces(0, traces, 700, 710);
        const expected = Array.from(
          { length: traces * 10 },
          (_, k) => (Math.floor(k / 10) * 1000 + 700 + (k % 10)) % 30000,
        );
        expect(Array.from(window as ArrayLike<number>)).toEqual(expected);
        const whole = await segy.trace(11);
        expect(whole[2499]).toBe((11 * 1000 + 2499) % 30000);
        const [sequence] = await segy.readHeaderFields([TRACE_FIELDS[0] as (typeof TRACE_FIELDS)[number]], 0, traces);
        expect(Array.from(sequence ?? [])).toEqual(Array.from({ length: traces }, (_, t) => t + 1));
      } finally {
        await segy.close();
      }
    });
  }
});

describe("SEG-Y bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "fieldbench-segy-"));
  const source = join(FIXTURES, "cube.ibm.be.sgy");

  async function openError(path: string): Promise<{ code: string; message: string }> {
    try {
      const file = await openFile(path);
      await file.close();
    } catch (err) {
      if (isFieldbenchError(err)) return { code: err.code, message: err.message };
      throw err;
    }
    throw new Error(`${path} opened`);
  }

  it("refuses a binary header claiming 10^9 samples per trace", async () => {
    const bytes = readFileSync(source);
    bytes[3500] = 2; // rev 2, so the extended sample count (bytes 3269-3272) applies
    bytes.writeInt32BE(1_000_000_000, 3268);
    const path = join(dir, "huge-samples.sgy");
    writeFileSync(path, bytes);
    const err = await openError(path);
    expect(err.code).toBe("CORRUPT_FILE");
    expect(err.message).toMatch(/huge-samples\.sgy: binary header declares 1000000000 samples per trace/);
  });

  it("refuses an unknown sample format code", async () => {
    const bytes = readFileSync(source);
    bytes.writeInt16BE(7, 3224);
    const path = join(dir, "format-7.sgy");
    writeFileSync(path, bytes);
    const err = await openError(path);
    expect(err.code).toBe("UNSUPPORTED");
    expect(err.message).toMatch(/format-7\.sgy: unknown SEG-Y sample format code 7/);
  });

  it("refuses a rev 2 header declaring more traces than the file holds", async () => {
    const bytes = readFileSync(join(FIXTURES, "rev2.format6.le.sgy"));
    bytes.writeBigUInt64LE(7n, 3512); // the file holds 6
    const path = join(dir, "rev2-count.sgy");
    writeFileSync(path, bytes);
    const err = await openError(path);
    expect(err.code).toBe("CORRUPT_FILE");
    expect(err.message).toMatch(/rev2-count\.sgy: binary header declares 7 traces but the file holds 6/);
  });

  it("names the trace where a cut file ends", async () => {
    const bytes = readFileSync(source);
    const path = join(dir, "cut.sgy");
    // 3600 + 20 traces of 240 + 24*4 = 336 bytes; cutting 100 bytes leaves trace 19 incomplete
    writeFileSync(path, bytes.subarray(0, bytes.length - 100));
    const err = await openError(path);
    expect(err.code).toBe("CORRUPT_FILE");
    expect(err.message).toMatch(/cut\.sgy: file ends inside trace 19 \(236 of its 336 bytes present\)/);
  });

  it("keeps a copy of a fixture readable (the copies above are independent)", async () => {
    const path = join(dir, "copy.sgy");
    copyFileSync(source, path);
    const file = await openFile(path);
    expect((segyOf(file) as unknown as { traceCount: number }).traceCount).toBe(20);
    await file.close();
  });
});
