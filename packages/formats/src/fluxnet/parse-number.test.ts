import { describe, expect, it } from "vitest";
import { parseFields, parseNumber } from "./parse-number.js";

function parse(text: string): number {
  const bytes = Buffer.from(text, "latin1");
  return parseNumber(bytes, 0, bytes.length);
}

describe("parseNumber", () => {
  it("agrees with Number() bit for bit", () => {
    const samples = [
      "0",
      "-0",
      "-9999",
      "1.5",
      "-0.000123",
      "12345.6789",
      "0.1",
      "0.3",
      "200504030130",
      "1e-7",
      "2.5E+3",
      "123456789012345678",
      "0.1234567890123456789",
      "1e300",
      "-4.9e-320",
      "+7",
      ".5",
      "5.",
      "00012.50",
    ];
    for (const s of samples) expect(Object.is(parse(s), Number(s)), s).toBe(true);
    // a seeded spread of FLUXNET-like values: up to 4 decimals, magnitudes 1e-4..1e5
    let x = 12345;
    for (let i = 0; i < 20000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const s = ((x / 2147483648 - 0.5) * 10 ** ((i % 10) - 4)).toFixed(i % 7);
      expect(parse(s), s).toBe(Number(s));
    }
  });

  it("gives NaN for what is not a finite number", () => {
    for (const s of ["", "-", "abc", "1.2.3", "1e", "NaN", "Infinity", "1,5", " 1", "1e999999", "0x10"]) {
      expect(Number.isNaN(parse(s)), JSON.stringify(s)).toBe(true);
    }
  });

  it("splits a record", () => {
    const bytes = Buffer.from("200501010000,-9999,1.25,x");
    const out = new Float64Array(4);
    expect(parseFields(bytes, 0, bytes.length, out)).toBe(4);
    expect(Array.from(out.subarray(0, 3))).toEqual([200501010000, -9999, 1.25]);
    expect(Number.isNaN(out[3] as number)).toBe(true);
  });
});
