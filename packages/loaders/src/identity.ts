import { isFieldbenchError } from "@fieldbench/core";
import { type OpenFile, decodeTimes, normalizeCalendar, readDecoded, stringAttr } from "@fieldbench/formats";
import { parseCmip6FileName } from "./cmip6/drs.js";
import { detectEra5Layout, openEra5FromFile } from "./era5.js";

/** The `cmip6` block of `inspect`: who made the data and what it holds. */
export interface Cmip6InspectBlock {
  variable_id?: string;
  source_id?: string;
  experiment_id?: string;
  member_id?: string;
  table_id?: string;
  grid_label?: string;
  frequency?: string;
  calendar?: string;
  time_start?: string;
  time_end?: string;
  /** What could not be decoded (a bad DRS name, an unknown calendar), one line each; absent when none. */
  problems?: string[];
}

export interface Era5InspectBlock {
  layout: string;
  variables: string[];
  calendar: string;
  time_start?: string;
  time_end?: string;
  time_steps: number;
  grid: [number, number];
}

/**
 * The source identity `fieldbench inspect` adds to its JSON as an extra block (`cmip6:{...}` or
 * `era5:{...}`), or undefined for a file that is neither. Problems are reported inside the block, not
 * thrown: inspect should still describe a file whose calendar it cannot decode.
 */
export async function describeSourceIdentity(file: OpenFile): Promise<Record<string, unknown> | undefined> {
  if (stringAttr(file.attrs, "mip_era") === "CMIP6") return { cmip6: await cmip6Block(file) };
  if (detectEra5Layout(file) !== undefined) {
    const block = await era5Block(file).catch((err: unknown) => {
      if (isFieldbenchError(err)) return undefined;
      throw err;
    });
    return block === undefined ? undefined : { era5: block };
  }
  return undefined;
}

async function cmip6Block(file: OpenFile): Promise<Cmip6InspectBlock> {
  const problems: string[] = [];
  const attr = (key: string) => stringAttr(file.attrs, key);
  let member = attr("variant_label");
  const sub = attr("sub_experiment_id");
  if (member !== undefined && sub !== undefined && sub !== "none") member = `${sub}-${member}`;
  try {
    parseCmip6FileName(file.path);
  } catch (err) {
    if (!isFieldbenchError(err)) throw err;
    problems.push(err.message);
  }
  const block: Cmip6InspectBlock = {
    variable_id: attr("variable_id"),
    source_id: attr("source_id"),
    experiment_id: attr("experiment_id"),
    member_id: member,
    table_id: attr("table_id"),
    grid_label: attr("grid_label"),
    frequency: attr("frequency"),
  };
  const time = file.variables.find((v) => v.name === "time");
  if (time !== undefined) {
    try {
      const calendar = normalizeCalendar(stringAttr(time.attrs, "calendar"), `${file.path}: time`);
      block.calendar = calendar;
      const units = stringAttr(time.attrs, "units");
      if (units !== undefined && time.shape[0] !== 0) {
        const values = (await readDecoded(file, "time")).values;
        const iso = decodeTimes(values, units, calendar, `${file.path}: time`);
        block.time_start = iso[0] ?? undefined;
        block.time_end = iso[iso.length - 1] ?? undefined;
      }
    } catch (err) {
      if (!isFieldbenchError(err)) throw err;
      problems.push(err.message);
    }
  }
  const clean = Object.fromEntries(Object.entries(block).filter(([, v]) => v !== undefined)) as Cmip6InspectBlock;
  return problems.length === 0 ? clean : { ...clean, problems };
}

async function era5Block(file: OpenFile): Promise<Era5InspectBlock> {
  const source = await openEra5FromFile(file);
  return {
    layout: source.layout,
    variables: source.variables.map((v) => v.short),
    calendar: "proleptic_gregorian",
    ...(source.times.length === 0
      ? {}
      : { time_start: source.times[0], time_end: source.times[source.times.length - 1] }),
    time_steps: source.times.length,
    grid: [source.latitude.length, source.longitude.length],
  };
}
