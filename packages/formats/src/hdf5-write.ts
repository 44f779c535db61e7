import { rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type Attrs,
  type AttrValue,
  FieldbenchError,
  isFieldbenchError,
  shapeSize,
  temporaryPath,
} from "@fieldbench/core";
import type H5wasmModule from "h5wasm/node";

type H5wasm = typeof H5wasmModule;
type H5File = InstanceType<H5wasm["File"]>;
type H5Dataset = InstanceType<H5wasm["Dataset"]>;
type H5Group = InstanceType<H5wasm["Group"]>;

/** h5wasm is loaded on first write only, so importing @fieldbench/formats stays light (open.ts's habit). */
let loaded: H5wasm | undefined;

async function loadH5wasm(): Promise<H5wasm> {
  if (loaded === undefined) {
    const lib = (await import("h5wasm/node")).default;
    await lib.ready;
    loaded = lib;
  }
  return loaded;
}

/** The loaded module; every caller runs after openWriter has awaited loadH5wasm. */
function h5(): H5wasm {
  if (loaded === undefined) throw new FieldbenchError("INTERNAL", "h5wasm used before it was loaded");
  return loaded;
}

export type Hdf5WritableArray = Float32Array | Float64Array | Int16Array | Int32Array | Uint8Array;
export type Hdf5SlabArray = Float32Array | Float64Array | Int16Array | Int32Array;
export type Hdf5SlabDType = "float32" | "float64" | "int16" | "int32";

export interface Hdf5DatasetSpec {
  /** Dataset path; `group/var` creates the group. */
  name: string;
  data: Hdf5WritableArray;
  shape: readonly number[];
  chunks?: readonly number[];
  /**
   * "gzip" (level 4) or a gzip level 0-9; chunks are defaulted when absent. "lzf" is refused with
   * FILTER_UNSUPPORTED: h5wasm 0.10.3 has no lzf filter registered (HDF5-DIAG "required filter 'lzf' is not
   * registered"), so it can neither write nor read it.
   */
  compression?: "gzip" | "lzf" | number;
  attrs?: Attrs;
  /** Dimension names: each becomes a NetCDF4-style dimension scale at the root, attached to this dataset. */
  dims?: readonly string[];
}

export type Hdf5StreamSpec = Omit<Hdf5DatasetSpec, "data"> & { dtype: Hdf5SlabDType };

export interface Hdf5Writer {
  /** Creates a dataset of fixed shape, filled by `writeSlab` calls (chunked: one first-dim index per chunk by default). */
  createDataset(spec: Hdf5StreamSpec): void;
  /** Writes `data` at first-dim indices [start, start + data.length / rowSize). */
  writeSlab(name: string, start: number, data: Hdf5SlabArray): void;
  /** Attaches dimension scales, closes the file and renames it into place. */
  close(): Promise<void>;
  /** Closes and deletes the temporary file without publishing it. */
  abort(): Promise<void>;
}

/** netCDF-C's marker for a dimension without a coordinate variable (nc4internal.h, `%s%10d`). */
const DIM_WITHOUT_VARIABLE = "This is a netCDF dimension but not a netCDF variable.";

const DTYPE_CODES: Record<Hdf5SlabDType | "uint8", string> = {
  float32: "<f",
  float64: "<d",
  int16: "<h",
  int32: "<i",
  uint8: "<B",
};

/** Writes a whole HDF5 file at once, atomically (temp name, then rename). */
export async function writeHdf5(path: string, datasets: readonly Hdf5DatasetSpec[], attrs?: Attrs): Promise<void> {
  const writer = await openWriter(path, attrs);
  try {
    for (const spec of datasets) writer.writeDataset(spec);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  await writer.close();
}

/** Opens a streaming writer: the file appears at `path` only when `close()` succeeds. */
export async function createHdf5Writer(path: string, attrs?: Attrs): Promise<Hdf5Writer> {
  return openWriter(path, attrs);
}

async function openWriter(path: string, attrs?: Attrs): Promise<Hdf5Writer & FullWriter> {
  const h5wasm = await loadH5wasm();
  const target = resolve(path);
  const tmp = temporaryPath(target);
  let file: H5File;
  try {
    // Tracked link order keeps dims and variables in creation order, as netCDF-C files have them.
    file = new h5wasm.File(tmp, "w", { track_order: true });
  } catch (cause) {
    throw new FieldbenchError("FILE_NOT_FOUND", `${path}: cannot create ${tmp} (${describe(cause)})`, { path, cause });
  }
  const state: WriterState = { file, path: target, tmp, shapes: new Map(), dims: [], closed: false };
  try {
    writeAttrs(file, attrs ?? {}, path);
  } catch (err) {
    await abortWriter(state);
    throw err;
  }
  return {
    createDataset: (spec) => guarded(state, () => createStreamDataset(state, spec)),
    writeSlab: (name, start, data) => guarded(state, () => writeSlab(state, name, start, data)),
    writeDataset: (spec) => guarded(state, () => writeWholeDataset(state, spec)),
    close: () => closeWriter(state),
    abort: () => abortWriter(state),
  };
}

/** Internal extension used by writeHdf5: one dataset with its data. */
interface FullWriter {
  writeDataset(spec: Hdf5DatasetSpec): void;
}

interface WriterState {
  readonly file: H5File;
  readonly path: string;
  readonly tmp: string;
  readonly shapes: Map<string, readonly number[]>;
  /** [dataset name, dim names] in creation order, attached at close. */
  readonly dims: [string, readonly string[]][];
  closed: boolean;
}

function guarded<T>(state: WriterState, run: () => T): T {
  if (state.closed) throw new FieldbenchError("BAD_USAGE", `${state.path}: the HDF5 writer is already closed`);
  try {
    return run();
  } catch (err) {
    if (isFieldbenchError(err)) throw err;
    throw new FieldbenchError("WORK_FAILED", `${state.path}: HDF5 write failed (${describe(err)})`, {
      path: state.path,
      cause: err,
    });
  }
}

function writeWholeDataset(state: WriterState, spec: Hdf5DatasetSpec): void {
  const count = checkSpec(state, spec);
  if (spec.data.length !== count) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `${state.path}: dataset ${spec.name} has ${spec.data.length} values for shape [${spec.shape.join(", ")}]`,
      { path: state.path },
    );
  }
  const group = parentGroup(state.file, spec.name);
  const dataset = group.create_dataset({
    name: baseName(spec.name),
    data: spec.data,
    shape: [...spec.shape],
    dtype: DTYPE_CODES[dtypeOfArray(spec.data)],
    ...storageOptions(spec, spec.shape),
  });
  finishDataset(state, dataset, spec);
}

function createStreamDataset(state: WriterState, spec: Hdf5StreamSpec): void {
  checkSpec(state, spec);
  if (spec.shape.length === 0) {
    throw new FieldbenchError("BAD_USAGE", `${state.path}: streamed dataset ${spec.name} needs at least one dim`);
  }
  // h5wasm wants the data up front; create the dataset empty along dim 0 and grow it to its fixed shape,
  // so nothing of the full size is ever allocated. Growing needs chunked storage and a max shape.
  const chunks = spec.chunks ?? [1, ...spec.shape.slice(1).map((n) => Math.max(1, n))];
  const empty = [0, ...spec.shape.slice(1)];
  const group = parentGroup(state.file, spec.name);
  const dataset = group.create_dataset({
    name: baseName(spec.name),
    data: emptyArray(spec.dtype),
    shape: empty,
    maxshape: [...spec.shape],
    dtype: DTYPE_CODES[spec.dtype],
    ...storageOptions({ ...spec, chunks }, spec.shape),
  });
  dataset?.resize([...spec.shape]);
  finishDataset(state, dataset, spec);
}

function writeSlab(state: WriterState, name: string, start: number, data: Hdf5SlabArray): void {
  const shape = state.shapes.get(name);
  if (shape === undefined) {
    throw new FieldbenchError("VARIABLE_NOT_FOUND", `${state.path}: no dataset ${name} was created in this writer`);
  }
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = rowSize === 0 ? 0 : data.length / rowSize;
  const first = shape[0] ?? 0;
  if (!Number.isInteger(rows) || !Number.isSafeInteger(start) || start < 0 || start + rows > first) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `${state.path}: slab of ${data.length} values at ${start} does not fit dataset ${name} of shape [${shape.join(", ")}]`,
      { path: state.path },
    );
  }
  if (rows === 0) return;
  const dataset = state.file.get(name) as H5Dataset;
  const ranges = shape.map((n, i) => (i === 0 ? [start, start + rows] : [0, n])) as [number, number][];
  dataset.write_slice(ranges, data);
}

function checkSpec(
  state: WriterState,
  spec: { name: string; shape: readonly number[]; dims?: readonly string[] },
): number {
  if (!/^[^/].*[^/]$|^[^/]$/.test(spec.name) || spec.name.includes("//")) {
    throw new FieldbenchError("BAD_USAGE", `${state.path}: invalid dataset name "${spec.name}"`);
  }
  if (state.shapes.has(spec.name)) {
    throw new FieldbenchError("BAD_USAGE", `${state.path}: dataset ${spec.name} is written twice`);
  }
  if (spec.dims !== undefined && spec.dims.length !== spec.shape.length) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `${state.path}: dataset ${spec.name} names ${spec.dims.length} dims for a ${spec.shape.length}-d shape`,
    );
  }
  return shapeSize(spec.shape, `dataset ${spec.name}`);
}

function storageOptions(
  spec: { chunks?: readonly number[]; compression?: "gzip" | "lzf" | number },
  shape: readonly number[],
): { chunks?: number[]; compression?: number | "gzip"; compression_opts?: number[] } {
  const compression = spec.compression;
  if (compression === undefined && spec.chunks === undefined) return {};
  // Compression needs chunks; default to the whole array clipped to one leading index.
  const chunks = [...(spec.chunks ?? shape.map((n, i) => (i === 0 && shape.length > 1 ? 1 : Math.max(1, n))))];
  if (compression === undefined) return { chunks };
  if (compression === "lzf") {
    throw new FieldbenchError(
      "FILTER_UNSUPPORTED",
      "lzf compression cannot be written: h5wasm 0.10.3 lacks the lzf filter",
    );
  }
  const level = compression === "gzip" ? 4 : compression;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new FieldbenchError("INVALID_VALUE", `gzip level ${level} is outside 0-9`);
  }
  return { chunks, compression: "gzip", compression_opts: [level] };
}

function finishDataset(
  state: WriterState,
  dataset: H5Dataset | null,
  spec: { name: string; shape: readonly number[]; attrs?: Attrs; dims?: readonly string[] },
): void {
  // h5wasm reports a failed H5Dcreate only on stderr and returns null: refuse to go on silently.
  if (!(dataset instanceof h5().Dataset)) {
    throw new FieldbenchError("WORK_FAILED", `${state.path}: HDF5 could not create dataset ${spec.name}`, {
      path: state.path,
    });
  }
  writeAttrs(dataset, spec.attrs ?? {}, state.path);
  state.shapes.set(spec.name, [...spec.shape]);
  if (spec.dims !== undefined) state.dims.push([spec.name, spec.dims]);
}

/**
 * Turns the recorded dim names into NetCDF4 dimension scales at the root, the way netCDF-C lays them out:
 * a 1-D dataset named like its dim is the coordinate variable and becomes the scale itself; any other dim
 * gets a placeholder scale whose NAME carries netCDF-C's "not a netCDF variable" marker, which ncdump hides.
 */
function attachDimensionScales(state: WriterState): void {
  const lengths = new Map<string, number>();
  for (const [name, dims] of state.dims) {
    const shape = state.shapes.get(name) ?? [];
    dims.forEach((dim, i) => {
      const n = shape[i] ?? 0;
      const known = lengths.get(dim);
      if (known !== undefined && known !== n) {
        throw new FieldbenchError(
          "SHAPE_MISMATCH",
          `${state.path}: dim ${dim} has length ${known} and ${n} (dataset ${name})`,
          { path: state.path },
        );
      }
      lengths.set(dim, n);
    });
  }
  for (const [dim, n] of lengths) {
    if (!/^[^/]+$/.test(dim)) throw new FieldbenchError("BAD_USAGE", `${state.path}: invalid dim name "${dim}"`);
    const coordShape = state.shapes.get(dim);
    if (coordShape !== undefined) {
      if (coordShape.length !== 1 || coordShape[0] !== n) {
        throw new FieldbenchError(
          "SHAPE_MISMATCH",
          `${state.path}: dataset ${dim} has shape [${coordShape.join(", ")}] but dim ${dim} has length ${n}`,
        );
      }
      (state.file.get(dim) as H5Dataset).make_scale(dim);
    } else {
      const placeholder = state.file.create_dataset({ name: dim, data: new Float32Array(n), shape: [n], dtype: "<f" });
      placeholder.make_scale(`${DIM_WITHOUT_VARIABLE}${String(n).padStart(10, " ")}`);
    }
  }
  for (const [name, dims] of state.dims) {
    const dataset = state.file.get(name) as H5Dataset;
    dims.forEach((dim, i) => {
      if (name !== dim) dataset.attach_scale(i, `/${dim}`);
    });
  }
}

async function closeWriter(state: WriterState): Promise<void> {
  if (state.closed) return;
  try {
    guarded(state, () => attachDimensionScales(state));
  } catch (err) {
    await abortWriter(state);
    throw err;
  }
  state.closed = true;
  state.file.close();
  try {
    await rename(state.tmp, state.path);
  } catch (cause) {
    await rm(state.tmp, { force: true });
    throw new FieldbenchError("WORK_FAILED", `${state.path}: cannot move the written file into place`, {
      path: state.path,
      cause,
    });
  }
}

async function abortWriter(state: WriterState): Promise<void> {
  if (!state.closed) {
    state.closed = true;
    try {
      state.file.close();
    } catch {
      // the file is deleted below either way
    }
  }
  await rm(state.tmp, { force: true });
}

/** Numbers become float64 scalars (CF attributes such as scale_factor are floats), strings vlen strings. */
function writeAttrs(target: H5Group | H5Dataset, attrs: Attrs, path: string): void {
  for (const [key, value] of Object.entries(attrs)) writeAttr(target, key, value, path);
}

function writeAttr(target: H5Group | H5Dataset, key: string, value: AttrValue, path: string): void {
  const [data, shape, dtype] = attrPayload(key, value, path);
  if (data !== undefined) target.create_attribute(key, data, shape, dtype);
}

type AttrPayload = [Parameters<H5Group["create_attribute"]>[1] | undefined, number[] | null, string | null];

function attrPayload(key: string, value: AttrValue, path: string): AttrPayload {
  if (value === null) return [undefined, null, null];
  if (typeof value === "string") return [value, null, null];
  if (typeof value === "number") return [new Float64Array([value]), [], "<d"];
  if (typeof value === "boolean") return [new Int8Array([value ? 1 : 0]), [], "<b"];
  if (typeof value === "bigint") return [new BigInt64Array([value]), [], "<q"];
  if (value.every((v) => typeof v === "string")) return [[...(value as string[])], null, null];
  if (value.every((v) => typeof v === "number")) return [Float64Array.from(value as number[]), [value.length], "<d"];
  if (value.every((v) => typeof v === "bigint")) return [BigInt64Array.from(value as bigint[]), [value.length], "<q"];
  throw new FieldbenchError("INVALID_VALUE", `${path}: attribute ${key} mixes strings and numbers`);
}

function parentGroup(file: H5File, name: string): H5Group {
  const parts = name.split("/").slice(0, -1);
  let group: H5Group = file;
  for (const part of parts) {
    const existing = group.get(part);
    group = existing instanceof h5().Group ? existing : group.create_group(part);
  }
  return group;
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

function dtypeOfArray(data: Hdf5WritableArray): Hdf5SlabDType | "uint8" {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Int32Array) return "int32";
  return "uint8";
}

function emptyArray(dtype: Hdf5SlabDType): Hdf5SlabArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(0);
    case "float64":
      return new Float64Array(0);
    case "int16":
      return new Int16Array(0);
    case "int32":
      return new Int32Array(0);
  }
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]?.slice(0, 200) ?? "unknown error";
}
