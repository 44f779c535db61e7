import { FieldbenchError } from "@fieldbench/core";
import { normalizeSelection } from "../selection.js";
import { isFluxnetCsv } from "../sniff.js";
import type { FormatReader, OpenFile, RawArray, Selection, VariableInfo } from "../types.js";
import { FLUXNET_MISSING, type FluxnetTable, openFluxnetTable } from "./table.js";

export { parseFluxnetFileName, RESOLUTIONS, type FluxnetFileName, type Resolution } from "./file-name.js";
export { FLUXNET_MISSING, openFluxnetTable, type FluxnetOpenOptions, type FluxnetTable } from "./table.js";
export { isoMinutes, parseTimestamp, timestampMinutes, type ParsedTimestamp } from "./timestamps.js";

const TIMESTAMP_FORMATS: Record<number, string> = { 12: "YYYYMMDDHHMM", 8: "YYYYMMDD", 6: "YYYYMM", 4: "YYYY" };

/** Attributes of one column: -9999 as _FillValue so the CF layer masks it; timestamps say how to read them. */
function columnAttrs(table: FluxnetTable, name: string): Record<string, string | number> {
  if (name.startsWith("TIMESTAMP")) {
    return {
      format: TIMESTAMP_FORMATS[table.timestampDigits] ?? "",
      time_zone: "local standard time (no daylight-saving shift)",
    };
  }
  return { _FillValue: FLUXNET_MISSING };
}

/** docs/cli.md's `fluxnet` block. */
export function fluxnetBlock(table: FluxnetTable): Record<string, unknown> {
  const name = table.fileName;
  return {
    site: table.site ?? null,
    product: name?.product ?? null,
    resolution: table.resolution ?? null,
    start: table.start ?? null,
    end: table.end ?? null,
    rows: table.rows,
    columns: table.columns.length,
    source: name?.source ?? null,
    dataset: name?.dataset ?? null,
    version: name?.version ?? table.comments.Version ?? null,
    years: name?.firstYear === undefined ? null : [name.firstYear, name.lastYear],
    comments: { ...table.comments },
  };
}

/**
 * Each CSV column is a float64 [time] variable (-9999 masked through _FillValue); `time` adds the
 * TIMESTAMP(_START) column as CF minutes since 1970, so `inspect --var time --values` prints ISO-8601.
 */
async function openFluxnetFile(path: string): Promise<OpenFile> {
  const table = await openFluxnetTable(path);
  const variables: VariableInfo[] = table.columns.map((name) => ({
    name,
    dtype: "float64",
    shape: [table.rows],
    dims: ["time"],
    attrs: columnAttrs(table, name),
  }));
  variables.push({
    name: "time",
    dtype: "float64",
    shape: [table.rows],
    dims: ["time"],
    attrs: {
      units: "minutes since 1970-01-01 00:00:00",
      calendar: "standard",
      long_name: `${table.timeColumn} in local standard time`,
    },
  });
  const read = async (name: string, selection?: Selection): Promise<RawArray> => {
    const info = variables.find((v) => v.name === name);
    if (info === undefined) throw new FieldbenchError("VARIABLE_NOT_FOUND", `${path}: no variable "${name}"`, { path });
    const [range] = normalizeSelection(info.shape, selection, name);
    const rows = [range?.start ?? 0, range?.stop ?? 0] as const;
    const data =
      name === "time" ? await table.readTimes(rows) : ((await table.readColumns([name], rows))[0] as Float64Array);
    return { dtype: "float64", shape: [rows[1] - rows[0]], data };
  };
  return {
    format: "fluxnet",
    path,
    dims: { time: table.rows },
    attrs: {},
    variables,
    extra: { fluxnet: fluxnetBlock(table) },
    read,
    close: async () => {},
  };
}

export const reader: FormatReader = {
  format: "fluxnet",
  sniff: (probe) => isFluxnetCsv(probe.head),
  open: openFluxnetFile,
};
