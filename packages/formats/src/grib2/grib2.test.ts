import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { openFile } from "../open.js";
import { aecDecode } from "./aec.js";
import { type EccodesMessage, eccodesRead, python } from "./eccodes-reference.test-helper.js";
import { beforeAll } from "vitest";
import { grib2Coordinates } from "./coords.js";
import type { Grib2MessageSummary } from "./message.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures");
const fixture = (name: string) => join(FIXTURES, name);

async function expectMatchesEccodes(path: string, reference: EccodesMessage[]): Promise<void> {
  const file = await openFile(path);
  try {
    expect(file.format).toBe("grib2");
    // eccodes' cfVarName (cfgrib's xarray name) where it is known and names one field only, else #N
    const cf = reference.map((r) => r.cfVarName);
    const unique = (n: string, i: number) => n !== "unknown" && cf.indexOf(n) === i && cf.lastIndexOf(n) === i;
    expect(file.variables.map((v) => v.name)).toEqual(cf.map((n, i) => (unique(n, i) ? n : `#${i}`)));
    const messages = (file.extra?.grib2 as { messages: Grib2MessageSummary[] } | undefined)?.messages ?? [];
    for (const [i, ref] of reference.entries()) {
      const m = messages[i] as Grib2MessageSummary;
      expect({
        shortName: m.shortName,
        typeOfLevel: m.typeOfLevel,
        level: m.level,
        dataDate: m.dataDate,
        dataTime: m.dataTime,
        stepRange: m.stepRange,
        packingType: m.packingType,
      }).toEqual({
        shortName: ref.shortName,
        typeOfLevel: ref.typeOfLevel,
        level: ref.level,
        dataDate: ref.dataDate,
        dataTime: ref.dataTime,
        stepRange: ref.stepRange,
        packingType: ref.packingType,
      });
      const { Ni, Nj } = m.grid;
      expect([Nj, Ni]).toEqual([ref.Nj, ref.Ni]);
      expect(m.grid.latitudeOfFirstGridPointInDegrees).toBeCloseTo(ref.latitudeOfFirstGridPointInDegrees, 6);
      expect(m.grid.longitudeOfLastGridPointInDegrees).toBeCloseTo(ref.longitudeOfLastGridPointInDegrees, 6);
      expect(m.grid.iDirectionIncrementInDegrees).toBeCloseTo(ref.iDirectionIncrementInDegrees, 6);
      const info = file.variables[i];
      expect(info?.shape).toEqual([Nj, Ni]);
      expect(info?.dims.map((d) => d.replace(/_\d+$/, ""))).toEqual(["latitude", "longitude"]);
      const raw = await file.read(`#${i}`);
      const values = Array.from(raw.data as Float64Array, (v) => (Number.isNaN(v) ? null : v));
      // Exact equality: the decoder computes (X * 2^E + R) * 10^-D as eccodes does.
      expect(values).toEqual(ref.values);
      const coords = grib2Coordinates(m.grid);
      expect(Array.from(coords.latitude)).toEqual(ref.latitudes.filter((_, k) => k % (Ni as number) === 0));
      expect(Array.from(coords.longitude)).toEqual(ref.longitudes.slice(0, Ni));
    }
  } finally {
    await file.close();
  }
}

const FIXTURE_NAMES = [
  "t2m.simple.grib2",
  "t2m.ccsds.grib2",
  "era5-sfc.ccsds.grib2",
  "sst.bitmap.simple.grib2",
  "sst.bitmap.ccsds.grib2",
  "sst.bitmap.complex-sd.grib2",
  "msl.complex-sd.grib2",
  // Packed by hand with first- and second-order spatial differencing (eccodes 2.28 writes order 0 only).
  "t2m.complex-sd-order1.grib2",
  "t2m.complex-sd-order2.grib2",
  // Product templates 4.8 (tp, step 6-12) and 4.1 (member 7), t on 850 hPa, scanning south to north.
  "mixed.templates.grib2",
  "t2m.ieee32.grib2",
  // One message with two fields (sections 4-7 repeated): 2t simple-packed, then 10u CCSDS-packed.
  "multi-field.grib2",
];

describe("GRIB2 reader against eccodes", () => {
  let reference: Record<string, EccodesMessage[]> = {};
  beforeAll(() => {
    reference = eccodesRead(FIXTURE_NAMES.map(fixture));
  });
  for (const name of FIXTURE_NAMES) {
    it(`decodes ${name} exactly as eccodes does`, async () => {
      await expectMatchesEccodes(fixture(name), reference[fixture(name)] as EccodesMessage[]);
    });
  }

  it("names the ERA5 surface parameters as eccodes does", async () => {
    const file = await openFile(fixture("era5-sfc.ccsds.grib2"));
    const messages = (file.extra?.grib2 as { messages: Grib2MessageSummary[] } | undefined)?.messages ?? [];
    expect(messages.map((m) => m.shortName)).toEqual(["2t", "10u", "10v", "tcwv", "msl"]);
    expect(file.variables[3]?.attrs.units).toBe("kg m**-2");
    await file.close();
  });

  it("reads a hyperslab of a field", async () => {
    const file = await openFile(fixture("t2m.ccsds.grib2"));
    const whole = (await file.read("#0")).data as Float64Array;
    const part = await file.read("#0", [
      [2, 4],
      [70, 72],
    ]);
    expect(part.shape).toEqual([2, 2]);
    expect(Array.from(part.data as Float64Array)).toEqual([
      whole[2 * 72 + 70],
      whole[2 * 72 + 71],
      whole[3 * 72 + 70],
      whole[3 * 72 + 71],
    ]);
    await file.close();
  });

  it("refuses JPEG 2000 packing with the template named", async () => {
    const file = await openFile(fixture("t2m.jpeg.grib2"));
    const err = await file.read("#0").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FieldbenchError);
    expect((err as FieldbenchError).code).toBe("UNSUPPORTED");
    expect((err as FieldbenchError).message).toBe(
      `${fixture("t2m.jpeg.grib2")}: message 0 uses data representation template 5.40 (grid_jpeg), which fieldbench does not decode`,
    );
    await file.close();
  });

  it("reports a message cut short with the file and message named", async () => {
    const dir = mkdtempSync(join(tmpdir(), "grib2-"));
    const bytes = readFileSync(fixture("era5-sfc.ccsds.grib2"));
    const path = join(dir, "cut.grib2");
    writeFileSync(path, bytes.subarray(0, bytes.length - 300));
    const err = await openFile(path).catch((e: unknown) => e);
    expect((err as FieldbenchError).code).toBe("CORRUPT_FILE");
    expect((err as FieldbenchError).message).toMatch(new RegExp(`^${path}: GRIB2 message 4 is cut short`));
  });
});

/**
 * CCSDS coverage: eccodes + libaec encode fields chosen to exercise every coding option (uncompressed
 * noise, split samples, second extension and zero-block runs on flat regions) at many sample widths,
 * block sizes and reference sample intervals; our decoder must return eccodes' values exactly.
 */
describe("CCSDS (template 5.42) across sample widths and block parameters", () => {
  const dir = mkdtempSync(join(tmpdir(), "ccsds-"));
  // [bits per value, block size, reference sample interval, data, libaec flags]. eccodes writes flags 14
  // (preprocess | MSB | 3-byte); 6 turns preprocessing off, 30 adds the restricted id set for <= 4 bits.
  const cases: [number, number, number, string, number][] = [];
  for (const bits of [1, 2, 3, 5, 8, 9, 12, 16, 17, 24, 25, 31]) cases.push([bits, 32, 128, "noise", 14]);
  for (const [block, rsi] of [
    [8, 4],
    [16, 3],
    [64, 2],
    [32, 1],
  ] as const)
    cases.push([13, block, rsi, "mixed", 14]);
  cases.push([16, 32, 128, "flat", 14], [10, 16, 64, "steps", 14], [20, 8, 7, "mixed", 14]);
  cases.push([12, 32, 128, "mixed", 6], [20, 16, 32, "mixed", 6], [2, 32, 128, "mixed", 30], [4, 16, 8, "steps", 30]);
  const script = `
import sys, numpy as np, eccodes as ec
def make(out, bits, block, rsi, kind, flags):
  nj, ni = 41, 61
  rng = np.random.default_rng(bits * 1000 + block + rsi)
  n = nj * ni
  top = 2.0 ** min(bits, 30)
  if kind == "noise":
      v = rng.integers(0, int(top), n).astype(float)
  elif kind == "flat":
      v = np.full(n, 7.0); v[n // 2: n // 2 + 40] = 9.0; v[-5:] = 3.0
  elif kind == "steps":
      v = np.repeat(rng.integers(0, 4, n // 50 + 1), 50)[:n].astype(float) + (rng.random(n) < 0.05)
  else:
      v = np.concatenate([np.zeros(n // 4), rng.integers(0, 3, n // 4), np.cumsum(rng.normal(0, 2, n // 4)) + 500, rng.integers(0, int(top), n - 3 * (n // 4))]).astype(float)
  h = ec.codes_grib_new_from_samples("regular_ll_sfc_grib2")
  ec.codes_set(h, "Ni", ni); ec.codes_set(h, "Nj", nj)
  ec.codes_set(h, "iDirectionIncrementInDegrees", 1.0); ec.codes_set(h, "jDirectionIncrementInDegrees", 1.0)
  ec.codes_set(h, "latitudeOfFirstGridPointInDegrees", 40.0); ec.codes_set(h, "latitudeOfLastGridPointInDegrees", 0.0)
  ec.codes_set(h, "longitudeOfFirstGridPointInDegrees", 0.0); ec.codes_set(h, "longitudeOfLastGridPointInDegrees", 60.0)
  ec.codes_set(h, "bitsPerValue", bits)
  ec.codes_set_values(h, v)
  ec.codes_set(h, "packingType", "grid_ccsds")
  ec.codes_set(h, "ccsdsBlockSize", block); ec.codes_set(h, "ccsdsRsi", rsi); ec.codes_set(h, "ccsdsFlags", flags)
  ec.codes_set(h, "bitsPerValue", bits)
  ec.codes_set_values(h, v)
  with open(out, "wb") as f: ec.codes_write(h, f)
for spec in sys.argv[1:]:
    out, bits, block, rsi, kind, flags = spec.split(",")
    make(out, int(bits), int(block), int(rsi), kind, int(flags))
`;
  const pathOf = ([bits, block, rsi, kind, flags]: (typeof cases)[number]) =>
    join(dir, `${kind}-${bits}-${block}-${rsi}-${flags}.grib2`);
  let reference: Record<string, EccodesMessage[]> = {};
  beforeAll(() => {
    python(
      script,
      cases.map((c) => [pathOf(c), ...c].join(",")),
    );
    reference = eccodesRead(cases.map(pathOf));
  });
  for (const c of cases) {
    const [bits, block, rsi, kind, flags] = c;
    it(`${kind} data, ${bits} bits, block ${block}, rsi ${rsi}, flags ${flags}`, async () => {
      await expectMatchesEccodes(pathOf(c), reference[pathOf(c)] as EccodesMessage[]);
    });
  }
});

describe("aecDecode", () => {
  it("decodes a hand-built uncompressed block and a zero block", () => {
    // 8-bit samples, block 8, no preprocessing: id length 3. Block 1: id 111 (uncompressed) + 8 bytes 1..8;
    // block 2: id 000, bit 0 (zero block), FS "1" = 0 -> one zero block of 8 samples.
    const bits = `111${[1, 2, 3, 4, 5, 6, 7, 8].map((v) => v.toString(2).padStart(8, "0")).join("")}00001`;
    const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, "0");
    const bytes = Uint8Array.from(padded.match(/.{8}/g) as string[], (b) => Number.parseInt(b, 2));
    const out = aecDecode(bytes, 0, bytes.length, 16, { bitsPerSample: 8, blockSize: 8, rsi: 2, flags: 0 });
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
