import { FieldbenchError, type Field, makeField } from "@fieldbench/core";
import { FLUXNET_MISSING, type Resolution, isoMinutes, openFluxnetTable, timestampMinutes } from "@fieldbench/formats";
import { type GapStatistics, gapStatistics } from "./fluxnet-gaps.js";
import { fluxnetUnits } from "./fluxnet-units.js";

/**
 * Which records to trust. FLUXNET `*_QC` columns are flags at HH/HR (0 measured, 1 good-quality gap-fill,
 * 2 medium, 3 poor) and, at DD/WW/MM/YY, the fraction of the period's records that were measured or
 * good-quality gap-filled.
 */
export interface FluxnetQcFilter {
  /** HH/HR: keep a value only where its QC flag is at most this. */
  readonly maxFlag?: 0 | 1 | 2 | 3;
  /** DD/WW/MM/YY: keep a value only where its QC fraction is at least this (0..1). */
  readonly minFraction?: number;
}

export interface FluxnetLoadOptions {
  /** Columns to load (TIMESTAMP columns become the time coordinate); all by default. */
  readonly variables?: readonly string[];
  readonly qc?: FluxnetQcFilter;
  /** The site's UTC offset (FLUXNET site metadata, not in the file): appended to the ISO times when given. */
  readonly utcOffsetHours?: number;
}

/** Time series of one site: one [time] Field per variable, sharing an ISO-8601 time coordinate. */
export interface FluxnetSeries {
  readonly path: string;
  readonly site: string | undefined;
  readonly product: string | undefined;
  readonly resolution: Resolution;
  /** ISO-8601 of each record's start (TIMESTAMP_START, or TIMESTAMP for DD/MM/YY), local standard time. */
  readonly time: readonly string[];
  /** Masked values (-9999, failed QC) are NaN. */
  readonly fields: Readonly<Record<string, Field<Float64Array>>>;
  readonly gaps: Readonly<Record<string, GapStatistics>>;
  /** Values present in the file but removed by the QC filter, per variable. */
  readonly qcRemoved: Readonly<Record<string, number>>;
  /** HH/HR: records absent from the file altogether (jumps in the time axis), which no variable's gaps count. */
  readonly absentRecords: number;
}

export async function loadFluxnet(path: string, options: FluxnetLoadOptions = {}): Promise<FluxnetSeries> {
  // Validation and the wanted columns in one pass (QC columns and timestamps too, whether needed or not).
  const requested = options.variables ?? [];
  const keep = [...requested, ...requested.map((n) => `${n}_QC`), "TIMESTAMP_START", "TIMESTAMP"];
  const table = await openFluxnetTable(path, options.variables === undefined ? {} : { keep });
  const resolution = table.resolution;
  if (resolution === undefined) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${path}: cannot tell the resolution (HH, HR, DD, WW, MM, YY) from its name or timestamps`,
      {
        path,
      },
    );
  }
  const wanted = (options.variables ?? table.columns).filter((c) => !c.startsWith("TIMESTAMP"));
  for (const name of wanted) {
    if (!table.columns.includes(name)) {
      throw new FieldbenchError(
        "VARIABLE_NOT_FOUND",
        `${path}: no column ${name} (columns: ${table.columns.slice(0, 12).join(", ")}, ...)`,
        {
          path,
        },
      );
    }
  }
  const filter = qcFilter(options.qc, resolution, path);
  const qcNames = filter === undefined ? [] : wanted.map((n) => `${n}_QC`).filter((q) => table.columns.includes(q));
  const names = [...new Set([...wanted, ...qcNames])];
  // One pass over the file for every column and the timestamps.
  const columns = await table.readColumns([...names, table.timeColumn]);
  const raw = new Map(names.map((n, i) => [n, columns[i] as Float64Array]));
  const minutes = Array.from(
    columns[names.length] as Float64Array,
    (stamp) => timestampMinutes(stamp, table.timestampDigits) ?? Number.NaN,
  );
  const suffix = options.utcOffsetHours === undefined ? "" : utcSuffix(options.utcOffsetHours, path);
  const time = Array.from(minutes, (m) => isoMinutes(m, table.timestampDigits) + suffix);
  const fields: Record<string, Field<Float64Array>> = {};
  const gaps: Record<string, GapStatistics> = {};
  const qcRemoved: Record<string, number> = {};
  for (const name of wanted) {
    const values = Float64Array.from(raw.get(name) as Float64Array, (v) => (v === FLUXNET_MISSING ? Number.NaN : v));
    const qc = filter === undefined ? undefined : raw.get(`${name}_QC`);
    let removed = 0;
    if (qc !== undefined && filter !== undefined) {
      for (let i = 0; i < values.length; i++) {
        if (Number.isNaN(values[i] as number)) continue;
        if (!filter(qc[i] as number)) {
          values[i] = Number.NaN;
          removed++;
        }
      }
    }
    const units = fluxnetUnits(name, resolution);
    fields[name] = makeField({
      name,
      data: values,
      shape: [values.length],
      dims: ["time"],
      coords: { time },
      attrs: { ...(units === undefined ? {} : { units }), resolution, ...(qc === undefined ? {} : { qc_filtered: 1 }) },
    });
    gaps[name] = gapStatistics(values, time);
    qcRemoved[name] = removed;
  }
  return {
    path,
    absentRecords: absentRecords(minutes, resolution),
    site: table.site,
    product: table.fileName?.product,
    resolution,
    time,
    fields,
    gaps,
    qcRemoved,
  };
}

/** A predicate on a QC value, or undefined when no filter applies. -9999 QC never passes a filter. */
function qcFilter(
  qc: FluxnetQcFilter | undefined,
  resolution: Resolution,
  path: string,
): ((qc: number) => boolean) | undefined {
  if (qc === undefined) return undefined;
  const fine = resolution === "HH" || resolution === "HR";
  if (fine && qc.maxFlag !== undefined) {
    if (![0, 1, 2, 3].includes(qc.maxFlag)) {
      throw new FieldbenchError("INVALID_VALUE", `QC maxFlag must be 0, 1, 2 or 3, got ${qc.maxFlag}`);
    }
    const max = qc.maxFlag;
    return (flag) => flag !== FLUXNET_MISSING && flag <= max;
  }
  if (!fine && qc.minFraction !== undefined) {
    if (!(qc.minFraction >= 0 && qc.minFraction <= 1)) {
      throw new FieldbenchError("INVALID_VALUE", `QC minFraction must be within 0..1, got ${qc.minFraction}`);
    }
    const min = qc.minFraction;
    return (fraction) => fraction !== FLUXNET_MISSING && fraction >= min;
  }
  const needed = fine
    ? "maxFlag (QC columns are flags 0-3 at HH/HR)"
    : "minFraction (QC columns are fractions at DD-YY)";
  throw new FieldbenchError("INVALID_VALUE", `${path}: a ${resolution} file takes a QC filter by ${needed}`, { path });
}

function utcSuffix(hours: number, path: string): string {
  if (!Number.isFinite(hours) || Math.abs(hours) > 14 || !Number.isInteger(hours * 4)) {
    throw new FieldbenchError("INVALID_VALUE", `${path}: UTC offset ${hours} h is not a time-zone offset`);
  }
  const sign = hours < 0 ? "-" : "+";
  const total = Math.abs(hours) * 60;
  return `${sign}${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

/** Records missing between consecutive timestamps of an HH (30 min) or HR (60 min) file; 0 otherwise. */
function absentRecords(minutes: readonly number[], resolution: Resolution): number {
  const step = resolution === "HH" ? 30 : resolution === "HR" ? 60 : 0;
  if (step === 0) return 0;
  let absent = 0;
  for (let i = 1; i < minutes.length; i++) {
    const jump = (minutes[i] as number) - (minutes[i - 1] as number);
    if (jump > step) absent += Math.round(jump / step) - 1;
  }
  return absent;
}
