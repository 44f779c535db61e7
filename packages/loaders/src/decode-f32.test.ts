import { decodeValues, cfEncoding } from "@fieldbench/formats";
import { describe, expect, it } from "vitest";
import { decodeToFloat32 } from "./decode-f32.js";

describe("decodeToFloat32", () => {
  it("masks then unpacks (hand-worked)", () => {
    // fill -32767 -> NaN; 0 * 0.5 + 10 = 10; 100 * 0.5 + 10 = 60; 32767 > valid_max 30000 -> NaN.
    const attrs = { scale_factor: 0.5, add_offset: 10, _FillValue: -32767, valid_max: 30000 };
    const out = decodeToFloat32(Int16Array.from([-32767, 0, 100, 32767]), attrs, "x");
    expect(Array.from(out)).toEqual([Number.NaN, 10, 60, Number.NaN]);
  });

  it("rounds exactly as formats' float64 decoding followed by one float32 rounding", () => {
    const raw = Int16Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 65535) - 32767);
    const attrs = { scale_factor: 0.0017123456789, add_offset: 273.15, missing_value: [-32767, -32766] };
    const ours = decodeToFloat32(raw, attrs, "x");
    const reference = Float32Array.from(decodeValues(raw, cfEncoding(attrs)).values);
    expect(Array.from(ours)).toEqual(Array.from(reference));
  });

  it("keeps NaN fill values of float data as they are", () => {
    const out = decodeToFloat32(Float32Array.from([1.5, Number.NaN]), { _FillValue: Number.NaN }, "x");
    expect(Array.from(out)).toEqual([1.5, Number.NaN]);
  });
});
