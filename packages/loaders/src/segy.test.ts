import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { loadSegyCube, segyGathers, segyGeometry, segyInlines } from "./segy.js";

// Fixtures and expectations (what segyio 1.8.3 reads) come from tools/fixtures/segy.py.
const FIXTURES = join(import.meta.dirname, "..", "..", "formats", "fixtures", "segy");

interface Expected {
  traceCount: number;
  samplesPerTrace: number;
  samples_ms: number[];
  headers: Record<string, number[]>;
  data: number[][];
  geometry?: { ilines?: number[]; xlines?: number[]; sorting?: string; cube?: number[][][] };
  removed?: [number, number][];
}

function expected(name: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), "utf8")) as Expected;
}

function expectClose(actual: ArrayLike<number>, reference: readonly number[], what: string): void {
  expect(actual.length, what).toBe(reference.length);
  for (let i = 0; i < reference.length; i++) {
    const e = reference[i] as number;
    expect(Math.abs((actual[i] as number) - e), `${what}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.abs(e) + 1e-30);
  }
}

/** The trace segyio read at (inline, crossline), found through segyio's own header values. */
function traceAt(
  exp: Expected,
  il: number,
  xl: number,
  ilName = "INLINE_3D",
  xlName = "CROSSLINE_3D",
): number[] | undefined {
  const ils = exp.headers[ilName] as number[];
  const xls = exp.headers[xlName] as number[];
  const t = ils.findIndex((v, i) => v === il && xls[i] === xl);
  return t < 0 ? undefined : exp.data[t];
}

describe("SEG-Y cubes", () => {
  it("a sorted survey becomes the cube segyio builds", async () => {
    const exp = expected("cube.ibm.be");
    const cube = await loadSegyCube(join(FIXTURES, "cube.ibm.be.sgy"));
    expect(cube.field.shape).toEqual([4, 5, 24]);
    expect(cube.field.dims).toEqual(["inline", "crossline", "sample"]);
    expect(Array.from(cube.field.coords?.inline as Int32Array)).toEqual(exp.geometry?.ilines);
    expect(Array.from(cube.field.coords?.crossline as Int32Array)).toEqual(exp.geometry?.xlines);
    expectClose(cube.field.coords?.sample as Float64Array, exp.samples_ms, "sample axis");
    expectClose(cube.field.data, exp.geometry?.cube?.flat(2) ?? [], "cube");
    expect(Array.from(cube.mask)).toEqual(new Array(20).fill(1));
    expect(cube.report).toMatchObject({ kind: "cube", sorting: "inline", missing: 0, missingCells: [] });
  });

  it("an irregular survey gives a masked cube and lists the missing cells", async () => {
    const exp = expected("irregular.missing-traces.ibm");
    const cube = await loadSegyCube(join(FIXTURES, "irregular.missing-traces.ibm.sgy"));
    expect(cube.field.shape).toEqual([4, 5, 24]);
    expect(cube.report).toMatchObject({ kind: "irregular", missing: 3, traces: 17 });
    expect(cube.report.missingCells).toEqual((exp.removed ?? []).map(([inline, crossline]) => ({ inline, crossline })));
    const ilines = [1, 2, 3, 4];
    const xlines = [10, 11, 12, 13, 14];
    for (const [i, il] of ilines.entries()) {
      for (const [x, xl] of xlines.entries()) {
        const cell = i * 5 + x;
        const trace = cube.field.data.subarray(cell * 24, (cell + 1) * 24);
        const reference = traceAt(exp, il, xl);
        if (reference === undefined) {
          expect(cube.mask[cell], `mask ${il}/${xl}`).toBe(0);
          expect(Array.from(trace).every(Number.isNaN)).toBe(true);
        } else {
          expect(cube.mask[cell], `mask ${il}/${xl}`).toBe(1);
          expectClose(trace, reference, `trace ${il}/${xl}`);
        }
      }
    }
  });

  it("an unsorted survey is put in inline/crossline order", async () => {
    const exp = expected("unsorted.shuffled.ieee");
    const cube = await loadSegyCube(join(FIXTURES, "unsorted.shuffled.ieee.sgy"));
    expect(cube.report).toMatchObject({ kind: "irregular", sorting: "unsorted", missing: 0 });
    const reference = [1, 2, 3, 4].flatMap((il) => [10, 11, 12, 13, 14].flatMap((xl) => traceAt(exp, il, xl) ?? []));
    expectClose(cube.field.data, reference, "cube");
  });

  it("reads inline/crossline numbers from overridden byte positions", async () => {
    const exp = expected("cube.inline-byte-17.crossline-byte-21.ieee");
    const path = join(FIXTURES, "cube.inline-byte-17.crossline-byte-21.ieee.sgy");
    const cube = await loadSegyCube(path, { inlineByte: 17, crosslineByte: 21 });
    expectClose(cube.field.data, exp.geometry?.cube?.flat(2) ?? [], "cube");
    await expect(loadSegyCube(path)).rejects.toSatisfy((err) => isFieldbenchError(err, "UNSUPPORTED"));
  });

  it("streams a crossline-sorted cube inline by inline", async () => {
    const exp = expected("cube.ieee.le");
    const inlines: number[] = [];
    for await (const sample of segyInlines(join(FIXTURES, "cube.ieee.le.sgy"))) {
      const il = sample.attrs?.inline as number;
      inlines.push(il);
      const reference = [10, 11, 12, 13, 14].flatMap((xl) => traceAt(exp, il, xl) ?? []);
      expectClose(sample.fields.data?.data ?? [], reference, `inline ${il}`);
    }
    expect(inlines).toEqual([1, 2, 3, 4]);
  });

  it("can take a window of samples", async () => {
    const exp = expected("cube.ieee.be");
    const cube = await loadSegyCube(join(FIXTURES, "cube.ieee.be.sgy"), { samples: [4, 8] });
    expect(cube.field.shape).toEqual([4, 5, 4]);
    expectClose(
      cube.field.data,
      (exp.geometry?.cube ?? []).flatMap((r) => r.flatMap((t) => t.slice(4, 8))),
      "window",
    );
  });
});

describe("SEG-Y gathers", () => {
  it("shot gathers stay gathers, split on FieldRecord, offsets as coordinates", async () => {
    const exp = expected("shots.ieee");
    const path = join(FIXTURES, "shots.ieee.sgy");
    expect((await segyGeometry(path)).kind).toBe("gathers");
    await expect(loadSegyCube(path)).rejects.toSatisfy((err) => isFieldbenchError(err, "UNSUPPORTED"));
    const gathers = [];
    for await (const g of segyGathers(path)) gathers.push(g);
    expect(gathers.map((g) => g.attrs?.FieldRecord)).toEqual([1, 2, 3]);
    for (const [s, g] of gathers.entries()) {
      const field = g.fields.data;
      expect(field?.shape).toEqual([4, 24]);
      expect(Array.from(field?.coords?.trace as Int32Array)).toEqual(exp.headers.offset?.slice(4 * s, 4 * s + 4));
      expectClose(field?.data ?? [], exp.data.slice(4 * s, 4 * s + 4).flat(), `shot ${s + 1}`);
    }
  });

  it("a 2-D line is reported as a line", async () => {
    const report = await segyGeometry(join(FIXTURES, "line2d.ieee.sgy"));
    expect(report).toMatchObject({ kind: "line", inlines: 1, crosslines: 10, traces: 10 });
  });
});
