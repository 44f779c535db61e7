import { FieldbenchError, type Field, makeField } from "@fieldbench/core";
import type { FluxnetSeries } from "./fluxnet.js";
import { gapStatistics, type GapStatistics } from "./fluxnet-gaps.js";
import { UMOL_CO2_PER_S_TO_GC_PER_DAY, dailyAggregation, fluxnetUnits } from "./fluxnet-units.js";

export interface DailyOptions {
  /**
   * Fewest valid records a day needs, as a fraction of its 48 (HH) or 24 (HR) records; days below it
   * are NaN. Default 0.5.
   */
  readonly coverage?: number;
}

/** A daily series plus, per variable, the fraction of each day's records that were valid. */
export interface DailySeries extends FluxnetSeries {
  readonly coverage: Readonly<Record<string, Float64Array>>;
}

/**
 * HH/HR to daily (days in local standard time, as FLUXNET's DD files). Per variable: the mean of the
 * valid records, then as FLUXNET2015 DD reports it: carbon fluxes (NEE, GPP, RECO) in gC m-2 d-1
 * (mean umolCO2 m-2 s-1 x 12.011e-6 x 86400), precipitation as a daily total (mean x records per day,
 * so a partly covered day is scaled up), `*_QC` as the fraction of the day's records flagged 0 or 1,
 * everything else as the mean. A day whose valid fraction is below `coverage` is NaN.
 */
export function resampleDaily(series: FluxnetSeries, options: DailyOptions = {}): DailySeries {
  const perDay = series.resolution === "HH" ? 48 : series.resolution === "HR" ? 24 : 0;
  if (perDay === 0) {
    throw new FieldbenchError(
      "INVALID_VALUE",
      `${series.path}: daily resampling needs HH or HR records, not ${series.resolution}`,
    );
  }
  const threshold = options.coverage ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new FieldbenchError("INVALID_VALUE", `coverage must be within 0..1, got ${threshold}`);
  }
  const days: string[] = [];
  const dayOf = new Int32Array(series.time.length);
  for (let i = 0; i < series.time.length; i++) {
    const day = (series.time[i] as string).slice(0, 10);
    if (days[days.length - 1] !== day) days.push(day);
    dayOf[i] = days.length - 1;
  }
  const fields: Record<string, Field<Float64Array>> = {};
  const gaps: Record<string, GapStatistics> = {};
  const coverage: Record<string, Float64Array> = {};
  for (const [name, field] of Object.entries(series.fields)) {
    const kind = dailyAggregation(name);
    const sum = new Float64Array(days.length);
    const valid = new Float64Array(days.length);
    const good = new Float64Array(days.length);
    for (let i = 0; i < field.data.length; i++) {
      const v = field.data[i] as number;
      if (Number.isNaN(v)) continue;
      const d = dayOf[i] as number;
      sum[d] += v;
      valid[d]++;
      if (v === 0 || v === 1) good[d]++;
    }
    const out = new Float64Array(days.length);
    const cover = new Float64Array(days.length);
    for (let d = 0; d < days.length; d++) {
      cover[d] = (valid[d] as number) / perDay;
      if (kind === "qc") {
        out[d] = (good[d] as number) / perDay;
        continue;
      }
      if ((cover[d] as number) < threshold || valid[d] === 0) {
        out[d] = Number.NaN;
        continue;
      }
      const mean = (sum[d] as number) / (valid[d] as number);
      out[d] =
        kind === "carbon" ? mean * UMOL_CO2_PER_S_TO_GC_PER_DAY : kind === "precipitation" ? mean * perDay : mean;
    }
    const units = fluxnetUnits(name, "DD");
    fields[name] = makeField({
      name,
      data: out,
      shape: [days.length],
      dims: ["time"],
      coords: { time: days },
      attrs: {
        ...field.attrs,
        ...(units === undefined ? {} : { units }),
        resolution: "DD",
        coverage_threshold: threshold,
      },
    });
    gaps[name] = gapStatistics(out, days);
    coverage[name] = cover;
  }
  return { ...series, resolution: "DD", time: days, fields, gaps, coverage, absentRecords: absentDays(days) };
}

/** Days with no record at all between the first and last day (their coverage would be 0). */
function absentDays(days: readonly string[]): number {
  let absent = 0;
  for (let i = 1; i < days.length; i++) {
    const jump = (Date.parse(days[i] as string) - Date.parse(days[i - 1] as string)) / 86_400_000;
    if (jump > 1) absent += Math.round(jump) - 1;
  }
  return absent;
}
