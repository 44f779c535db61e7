import {
  type Attrs,
  FieldbenchError,
  type Field,
  type Sample,
  checkAllocation,
  makeField,
  toFloat32,
} from "@fieldbench/core";
import { type SegyFile, type SegyGeometry, type SegyOpenOptions, TRACE_FIELDS, openSegy } from "@fieldbench/formats";

/** What is missing or out of place in a survey, so an irregular file is usable instead of refused. */
export interface SegyGeometryReport {
  readonly kind: SegyGeometry["kind"];
  readonly sorting: SegyGeometry["sorting"];
  readonly inlines: number;
  readonly crosslines: number;
  readonly traces: number;
  /** Grid cells without a trace, and the first MAX_LISTED of them. */
  readonly missing: number;
  readonly missingCells: readonly { readonly inline: number; readonly crossline: number }[];
  readonly duplicates: number;
  readonly reason: string;
}

/** A [inline, crossline, sample] cube; `mask` is 1 where a trace exists (0 cells hold NaN in `field`). */
export interface SegyCube {
  readonly field: Field<Float32Array>;
  readonly mask: Uint8Array;
  readonly report: SegyGeometryReport;
}

export interface SegyCubeOptions extends SegyOpenOptions {
  /** Samples [start, stop) of every trace; the whole trace by default. */
  readonly samples?: readonly [number, number];
}

const MAX_LISTED = 1000;

export function geometryReport(geometry: SegyGeometry, traces: number): SegyGeometryReport {
  const missingCells: { inline: number; crossline: number }[] = [];
  const nx = geometry.crosslines.length;
  for (let cell = 0; cell < geometry.traceIndex.length && missingCells.length < MAX_LISTED; cell++) {
    if (geometry.traceIndex[cell] !== -1) continue;
    missingCells.push({
      inline: geometry.inlines[Math.floor(cell / nx)] as number,
      crossline: geometry.crosslines[cell % nx] as number,
    });
  }
  return {
    kind: geometry.kind,
    sorting: geometry.sorting,
    inlines: geometry.inlines.length,
    crosslines: nx,
    traces,
    missing: geometry.missing,
    missingCells,
    duplicates: geometry.duplicates,
    reason: geometry.reason,
  };
}

/** Geometry of a file, read from its trace headers only. */
export async function segyGeometry(path: string, options: SegyOpenOptions = {}): Promise<SegyGeometryReport> {
  const segy = await openSegy(path, options);
  try {
    return geometryReport(await segy.geometry(), segy.traceCount);
  } finally {
    await segy.close();
  }
}

/**
 * Reads a 3-D survey as a cube [inline, crossline, sample] whatever the trace order; cells without a
 * trace are NaN with mask 0 and listed in the report. 2-D lines and gathers are refused (read them
 * with `segyGathers`).
 */
export async function loadSegyCube(path: string, options: SegyCubeOptions = {}): Promise<SegyCube> {
  const segy = await openSegy(path, options);
  try {
    const geometry = await segy.geometry();
    if (geometry.kind !== "cube" && geometry.kind !== "irregular") {
      throw new FieldbenchError(
        "UNSUPPORTED",
        `${path}: no inline/crossline grid (${geometry.kind}: ${geometry.reason}); read it with segyGathers, or set inlineByte/crosslineByte`,
        { path },
      );
    }
    const [s0, s1] = options.samples ?? [0, segy.samplesPerTrace];
    const ni = geometry.inlines.length;
    const nx = geometry.crosslines.length;
    checkAllocation(ni * nx * (s1 - s0), 4, `${path}: SEG-Y cube`, path);
    const raw = await segy.readTraceList(geometry.traceIndex, s0, s1);
    const data = toFloat32(raw);
    const mask = new Uint8Array(ni * nx);
    const width = s1 - s0;
    for (let cell = 0; cell < mask.length; cell++) {
      if (geometry.traceIndex[cell] === -1) data.fill(Number.NaN, cell * width, (cell + 1) * width);
      else mask[cell] = 1;
    }
    const axis = (await segy.sampleAxis()).slice(s0, s1);
    const report = geometryReport(geometry, segy.traceCount);
    const field = makeField({
      name: "data",
      data,
      shape: [ni, nx, width],
      dims: ["inline", "crossline", "sample"],
      coords: { inline: geometry.inlines, crossline: geometry.crosslines, sample: axis },
      attrs: fileAttrs(segy, { missing_traces: report.missing, sample_units: "ms" }),
    });
    return { field, mask, report };
  } finally {
    await segy.close();
  }
}

export interface SegyGatherOptions extends SegyOpenOptions {
  /** Trace header field that numbers the gathers (FieldRecord for shot gathers, CDP for CDP gathers). */
  readonly key?: string;
}

/**
 * Streams a file as gathers: runs of consecutive traces sharing the key header (FieldRecord by default),
 * one Sample each, holding `data` [trace, sample] with the offset of each trace as a coordinate.
 * Only one gather is in memory at a time.
 */
export async function* segyGathers(path: string, options: SegyGatherOptions = {}): AsyncGenerator<Sample> {
  const keyName = options.key ?? "FieldRecord";
  const keyField = TRACE_FIELDS.find(([name]) => name === keyName);
  if (keyField === undefined) {
    throw new FieldbenchError("BAD_USAGE", `${path}: ${keyName} is not a trace header field (segyio names)`);
  }
  const offsetField = TRACE_FIELDS.find(([name]) => name === "offset") as (typeof TRACE_FIELDS)[number];
  const segy = await openSegy(path, { ...options, ignoreGeometry: true });
  try {
    const [keys, offsets] = await segy.readHeaderFields([keyField, offsetField], 0, segy.traceCount);
    const axis = await segy.sampleAxis();
    let index = 0;
    let start = 0;
    while (start < segy.traceCount) {
      const key = (keys as Int32Array)[start] as number;
      let stop = start + 1;
      while (stop < segy.traceCount && (keys as Int32Array)[stop] === key) stop++;
      const data = toFloat32(await segy.readTraces(start, stop));
      const field = makeField({
        name: "data",
        data,
        shape: [stop - start, segy.samplesPerTrace],
        dims: ["trace", "sample"],
        coords: { trace: Int32Array.from((offsets as Int32Array).subarray(start, stop)), sample: axis },
        attrs: fileAttrs(segy, { [keyName]: key, first_trace: start, trace_coordinate: "offset" }),
      });
      yield { index: index++, fields: { data: field }, attrs: { [keyName]: key } };
      start = stop;
    }
  } finally {
    await segy.close();
  }
}

/** Streams a cube inline by inline ([crossline, sample] per Sample): big surveys never sit in memory. */
export async function* segyInlines(path: string, options: SegyOpenOptions = {}): AsyncGenerator<Sample> {
  const segy = await openSegy(path, options);
  try {
    const geometry = await segy.geometry();
    if (geometry.kind !== "cube" && geometry.kind !== "irregular") {
      throw new FieldbenchError("UNSUPPORTED", `${path}: no inline/crossline grid (${geometry.reason})`, { path });
    }
    const axis = await segy.sampleAxis();
    const nx = geometry.crosslines.length;
    for (let row = 0; row < geometry.inlines.length; row++) {
      const indices = geometry.traceIndex.subarray(row * nx, (row + 1) * nx);
      const data = toFloat32(await segy.readTraceList(indices, 0, segy.samplesPerTrace));
      for (let x = 0; x < nx; x++) {
        if (indices[x] === -1) data.fill(Number.NaN, x * segy.samplesPerTrace, (x + 1) * segy.samplesPerTrace);
      }
      const inline = geometry.inlines[row] as number;
      const field = makeField({
        name: "data",
        data,
        shape: [nx, segy.samplesPerTrace],
        dims: ["crossline", "sample"],
        coords: { crossline: geometry.crosslines, sample: axis },
        attrs: fileAttrs(segy, { inline }),
      });
      yield { index: row, fields: { data: field }, attrs: { inline } };
    }
  } finally {
    await segy.close();
  }
}

function fileAttrs(segy: SegyFile, extra: Attrs): Attrs {
  return {
    source: segy.path,
    sample_format: segy.layout.format.name,
    sample_interval_us: segy.layout.sampleIntervalUs,
    ...extra,
  };
}
