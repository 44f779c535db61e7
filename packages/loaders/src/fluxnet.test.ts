import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isFieldbenchError } from "@fieldbench/core";
import { describe, expect, it } from "vitest";
import { loadFluxnet } from "./fluxnet.js";
import { gapStatistics } from "./fluxnet-gaps.js";
import { resampleDaily } from "./fluxnet-resample.js";
import { fluxnetUnits } from "./fluxnet-units.js";

// Fixtures: tools/fixtures/fluxnet.py. In the HH file, record k (0..47) of each day 2005-04-01..04 has
// NEE_VUT_REF = k/10 - 2 with QC 0 for even k, 1 for odd k < 24, 2 for odd k 24..39, 3 for odd k >= 40;
// TA_F = 5 + k/4; P_F = 0.2 for k = 10..14; on 2005-04-02 NEE and USTAR are -9999 for k = 10..39;
// on 2005-04-04 USTAR is -9999 for k = 5, 6, 20.
const FIXTURES = join(import.meta.dirname, "..", "..", "formats", "fixtures", "fluxnet");
const HH = join(FIXTURES, "FLX_US-Ha1_FLUXNET2015_FULLSET_HH_2005-2005_1-4.csv");
const DD = join(FIXTURES, "FLX_US-Ha1_FLUXNET2015_SUBSET_DD_2005-2005_1-4.csv");
const GC = 12.011e-6 * 86400; // umolCO2 m-2 s-1 -> gC m-2 d-1

describe("loadFluxnet", () => {
  it("masks -9999 as NaN and names units for the resolution", async () => {
    const series = await loadFluxnet(HH, { variables: ["NEE_VUT_REF", "TA_F", "P_F"] });
    expect(series).toMatchObject({ site: "US-Ha1", product: "FULLSET", resolution: "HH" });
    const nee = series.fields.NEE_VUT_REF;
    expect(nee?.units).toBe("umolCO2 m-2 s-1");
    expect(series.fields.TA_F?.units).toBe("deg C");
    expect(series.fields.P_F?.units).toBe("mm");
    // day 2 (records 48..95), k = 10..39 missing
    expect(Number.isNaN(nee?.data[48 + 10] as number)).toBe(true);
    expect(Number.isNaN(nee?.data[48 + 39] as number)).toBe(true);
    expect(nee?.data[48 + 40]).toBeCloseTo(40 / 10 - 2, 12);
    expect(series.gaps.NEE_VUT_REF).toMatchObject({ records: 192, missing: 30, gaps: 1, longestGap: 30 });
    expect(series.gaps.NEE_VUT_REF?.longestGapStart).toBe("2005-04-02T05:00");
  });

  it("keeps local standard time across the DST change (no shift, no gap)", async () => {
    const series = await loadFluxnet(HH, { variables: ["TA_F"] });
    // 2005-04-03 02:00 did not exist on US wall clocks (DST began); FLUXNET records it, 30 min after 01:30
    expect(series.time.slice(99, 103)).toEqual([
      "2005-04-03T01:30",
      "2005-04-03T02:00",
      "2005-04-03T02:30",
      "2005-04-03T03:00",
    ]);
    expect(series.fields.TA_F?.data[100]).toBeCloseTo(5 + 4 * 0.25, 12); // k = 4 on day 3
    const zoned = await loadFluxnet(HH, { variables: ["TA_F"], utcOffsetHours: -5 });
    expect(zoned.time[100]).toBe("2005-04-03T02:00-05:00");
  });

  it("filters on QC flags at HH", async () => {
    const all = await loadFluxnet(HH, { variables: ["NEE_VUT_REF"] });
    const measured = await loadFluxnet(HH, { variables: ["NEE_VUT_REF"], qc: { maxFlag: 0 } });
    const good = await loadFluxnet(HH, { variables: ["NEE_VUT_REF"], qc: { maxFlag: 1 } });
    // per full day: 24 even k (QC 0), 12 odd k < 24 (QC 1), 8 odd k in 24..39 (QC 2), 4 odd k >= 40 (QC 3).
    // Day 2 keeps k = 0..9 and 40..47: QC 0 at 0,2,4,6,8,40,42,44,46 (9), QC 1 at 1,3,5,7,9 (5), QC 3 at 41,43,45,47.
    expect(all.gaps.NEE_VUT_REF?.valid).toBe(3 * 48 + 18);
    expect(measured.gaps.NEE_VUT_REF?.valid).toBe(3 * 24 + 9);
    expect(good.gaps.NEE_VUT_REF?.valid).toBe(3 * 36 + 14);
    expect(good.qcRemoved.NEE_VUT_REF).toBe(3 * 12 + 4);
    expect(Number.isNaN(measured.fields.NEE_VUT_REF?.data[1] as number)).toBe(true);
    expect(measured.fields.NEE_VUT_REF?.data[2]).toBeCloseTo(0.2 - 2, 12);
  });

  it("filters on QC fractions at DD, in DD units", async () => {
    const series = await loadFluxnet(DD, { variables: ["NEE_VUT_REF", "P_F"], qc: { minFraction: 0.5 } });
    expect(series.fields.NEE_VUT_REF?.units).toBe("gC m-2 d-1");
    expect(series.fields.P_F?.units).toBe("mm d-1");
    expect(series.time).toEqual(["2005-04-01", "2005-04-02", "2005-04-03", "2005-04-04", "2005-04-05"]);
    // NEE = -1.5, -0.5, -9999, 1.5, 2.5 with QC 1.0, 0.375, -9999, 0.9, 0.2
    expect(Array.from(series.fields.NEE_VUT_REF?.data ?? [])).toEqual([-1.5, Number.NaN, Number.NaN, 1.5, Number.NaN]);
    await expect(loadFluxnet(DD, { qc: { maxFlag: 1 } })).rejects.toSatisfy((e) =>
      isFieldbenchError(e, "INVALID_VALUE"),
    );
  });

  it("counts records absent from the time axis", async () => {
    const path = join(
      mkdtempSync(join(tmpdir(), "fluxnet-absent-")),
      "FLX_US-Xx1_FLUXNET2015_SUBSET_HH_2005-2005_1-4.csv",
    );
    // 00:00, 00:30, then 02:00: the 01:00 and 01:30 records are absent
    writeFileSync(
      path,
      "TIMESTAMP_START,TIMESTAMP_END,TA_F\n200501010000,200501010030,1\n200501010030,200501010100,2\n200501010200,200501010230,3\n",
    );
    const series = await loadFluxnet(path);
    expect(series.absentRecords).toBe(2);
    expect(series.gaps.TA_F?.missing).toBe(0);
    const daily = resampleDaily(series, { coverage: 0 });
    expect(daily.coverage.TA_F?.[0]).toBeCloseTo(3 / 48, 12);
  });

  it("reads AmeriFlux BASE files", async () => {
    const series = await loadFluxnet(join(FIXTURES, "AMF_US-Ha1_BASE_HR_17-5.csv"));
    expect(series).toMatchObject({ site: "US-Ha1", product: "BASE", resolution: "HR" });
    expect(series.fields.FC?.units).toBe("umolCO2 m-2 s-1");
    expect(series.fields.TA_1_1_1?.units).toBe("deg C");
    expect(series.gaps.USTAR).toMatchObject({
      missing: 2,
      gaps: 1,
      longestGap: 2,
      longestGapStart: "2005-04-01T07:00",
    });
  });

  it("names units of the FLUXNET2015 variables per resolution", () => {
    expect(fluxnetUnits("GPP_DT_VUT_REF", "YY")).toBe("gC m-2 y-1");
    expect(fluxnetUnits("RECO_NT_VUT_REF", "MM")).toBe("gC m-2 d-1");
    expect(fluxnetUnits("LE_F_MDS", "DD")).toBe("W m-2");
    expect(fluxnetUnits("H_CORR", "HH")).toBe("W m-2");
    expect(fluxnetUnits("VPD_F", "HH")).toBe("hPa");
    expect(fluxnetUnits("PA_F", "HH")).toBe("kPa");
    expect(fluxnetUnits("P_F", "YY")).toBe("mm y-1");
    expect(fluxnetUnits("SW_IN_F", "HH")).toBe("W m-2");
    expect(fluxnetUnits("TS_F_MDS_1", "HH")).toBe("deg C");
    expect(fluxnetUnits("SWC_F_MDS_1", "HH")).toBe("%");
  });
});

describe("resampleDaily", () => {
  it("matches a hand computation, with the coverage threshold", async () => {
    const series = await loadFluxnet(HH, { variables: ["NEE_VUT_REF", "NEE_VUT_REF_QC", "TA_F", "P_F"] });
    const daily = resampleDaily(series, { coverage: 0.5 });
    expect(daily.resolution).toBe("DD");
    expect(daily.time).toEqual(["2005-04-01", "2005-04-02", "2005-04-03", "2005-04-04"]);
    const nee = daily.fields.NEE_VUT_REF?.data as Float64Array;
    // full day: mean(k/10 - 2, k = 0..47) = 2.35 - 2 = 0.35 umol m-2 s-1 -> 0.35 * 1.0377504 gC m-2 d-1
    expect(nee[0]).toBeCloseTo(0.35 * GC, 12);
    expect(daily.fields.NEE_VUT_REF?.units).toBe("gC m-2 d-1");
    // day 2: 18 of 48 records valid, coverage 0.375 < 0.5
    expect(Number.isNaN(nee[1] as number)).toBe(true);
    expect(daily.coverage.NEE_VUT_REF?.[1]).toBeCloseTo(18 / 48, 12);
    // TA_F: mean(5 + k/4) = 5 + 23.5/4 = 10.875 (the DD fixture's value); P_F: 5 records x 0.2 mm = 1.0 mm d-1
    expect(daily.fields.TA_F?.data[2]).toBeCloseTo(10.875, 12);
    expect(daily.fields.P_F?.data[0]).toBeCloseTo(1.0, 12);
    expect(daily.fields.P_F?.units).toBe("mm d-1");
    // NEE_VUT_REF_QC: flags 0 or 1 on 36 of 48 records -> 0.75; day 2: 14 of 48 (the QC itself is -9999 at 30)
    expect(daily.fields.NEE_VUT_REF_QC?.data[0]).toBeCloseTo(36 / 48, 12);
    expect(daily.fields.NEE_VUT_REF_QC?.data[1]).toBeCloseTo(14 / 48, 12);

    const lenient = resampleDaily(series, { coverage: 0.3 });
    // day 2 at coverage 0.3: k = 0..9 and 40..47: sum k = 45 + 348 = 393, sum(k/10 - 2) = 39.3 - 36 = 3.3, mean 3.3/18
    expect(lenient.fields.NEE_VUT_REF?.data[1]).toBeCloseTo((3.3 / 18) * GC, 12);
  });

  it("resamples after QC filtering", async () => {
    const series = await loadFluxnet(HH, { variables: ["NEE_VUT_REF"], qc: { maxFlag: 1 } });
    const daily = resampleDaily(series, { coverage: 0.5 });
    // day 1 keeps even k 0..46 (sum 552) and odd k 1..23 (sum 144): 36 records, sum(k/10 - 2) = 69.6 - 72 = -2.4
    expect(daily.fields.NEE_VUT_REF?.data[0]).toBeCloseTo((-2.4 / 36) * GC, 12);
    expect(daily.coverage.NEE_VUT_REF?.[0]).toBeCloseTo(0.75, 12);
  });

  it("refuses daily input", async () => {
    const series = await loadFluxnet(DD);
    expect(() => resampleDaily(series)).toThrow(/daily resampling needs HH or HR records, not DD/);
  });
});

describe("gapStatistics", () => {
  it("counts runs of missing values", () => {
    const nan = Number.NaN;
    const stats = gapStatistics([1, nan, nan, 2, nan, 3, nan, nan, nan], ["a", "b", "c", "d", "e", "f", "g", "h", "i"]);
    expect(stats).toEqual({
      records: 9,
      valid: 3,
      missing: 6,
      missingFraction: 6 / 9,
      gaps: 3,
      longestGap: 3,
      longestGapStart: "g",
    });
  });
});
