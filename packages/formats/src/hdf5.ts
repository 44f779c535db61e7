import {
  BYTES_PER_ELEMENT,
  FieldbenchError,
  type NumericArray,
  type NumericDType,
  allocateArray,
  checkAllocation,
} from "@fieldbench/core";
import { closeInWorker, openInWorker, readInWorker } from "./hdf5-host.js";
import { DECODABLE_FILTER_IDS, type Hdf5Variable, buildModel } from "./hdf5-model.js";
import { normalizeSelection, selectionShape } from "./selection.js";
import { hdf5SuperblockOffset } from "./sniff.js";
import type { FormatReader, OpenFile, RawArray, Selection } from "./types.js";

/** Bytes one string element is charged in allocation checks (a JS string header plus a short text). */
const STRING_ELEMENT_BYTES = 32;

/**
 * HDF5 and NetCDF4 (which is HDF5 written by netCDF-C) through h5wasm, in a worker thread (hdf5-host.ts).
 * Metadata is read at open; `read` fetches only the requested hyperslab. See hdf5-model.ts for how
 * groups, dimension scales and attributes map onto fieldbench's variables and dims.
 */
export const reader: FormatReader = {
  format: "hdf5",
  sniff: (probe) => !probe.isDirectory && !probe.isUrl && hdf5SuperblockOffset(probe.head) !== undefined,
  open: openHdf5,
};

async function openHdf5(path: string): Promise<OpenFile> {
  const { handle, tree } = await openInWorker(path);
  const model = buildModel(tree);
  const byName = new Map(model.variables.map((v) => [v.name, v]));
  const skipped = [...model.unsupported, ...tree.skipped.map((s) => ({ name: s.path.slice(1), reason: s.reason }))];
  let closed = false;
  return {
    format: model.format,
    path,
    dims: model.dims,
    attrs: model.attrs,
    variables: [...model.variables, ...model.userTyped],
    ...(skipped.length === 0 ? {} : { extra: { hdf5: { skipped } } }),
    read: async (name: string, selection?: Selection): Promise<RawArray> => {
      if (closed) throw new FieldbenchError("BAD_USAGE", `${path}: read after close`, { path });
      const variable = byName.get(name.replace(/^\/+/, ""));
      const userTyped = model.userTyped.find((v) => v.name === name.replace(/^\/+/, ""));
      if (userTyped !== undefined) {
        throw new FieldbenchError(
          "UNSUPPORTED",
          `${path}: variable ${userTyped.name} has a netCDF-4 ${userTyped.dtype} type, which fieldbench lists but does not read as an array`,
          { path },
        );
      }
      if (variable === undefined) {
        throw new FieldbenchError("VARIABLE_NOT_FOUND", `${path}: no variable "${name}"`, { path });
      }
      return readVariable(path, variable, selection, (ranges, bytes) =>
        readInWorker(handle, variable.datasetPath, ranges, bytes),
      );
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await closeInWorker(handle).catch(() => undefined);
    },
  };
}

type SlabReader = (ranges: [number, number][], bytes: number) => ReturnType<typeof readInWorker>;

async function readVariable(
  path: string,
  variable: Hdf5Variable,
  selection: Selection | undefined,
  readSlab: SlabReader,
): Promise<RawArray> {
  // A missing filter does not make HDF5 fail: h5wasm hands back zeros or stale heap bytes. Refuse first.
  const missing = variable.filterIds.find((f) => !DECODABLE_FILTER_IDS.has(f.id));
  if (missing !== undefined) {
    throw new FieldbenchError(
      "FILTER_UNSUPPORTED",
      `${path}: variable ${variable.name} uses filter ${missing.name || "unnamed"} (id ${missing.id}), which fieldbench cannot decode`,
      { path, details: { filter: missing.id } },
    );
  }
  const ranges = normalizeSelection(variable.shape, selection, variable.name);
  const shape = selectionShape(ranges);
  const count = shape.reduce((a, b) => a * b, 1);
  const elementBytes =
    variable.dtype === "string" || variable.dtype === "char"
      ? STRING_ELEMENT_BYTES
      : BYTES_PER_ELEMENT[variable.dtype as NumericDType];
  checkAllocation(count, elementBytes, `${path}: variable ${variable.name} selection [${shape.join(", ")}]`, path);
  if (count === 0) return { dtype: variable.dtype, shape, data: emptyOf(variable) };
  const data = await readSlab(
    ranges.map((r) => [r.start, r.stop]),
    count * elementBytes,
  );
  const length = ArrayBuffer.isView(data) ? (data as unknown as ArrayLike<unknown>).length : data.length;
  if (length !== count) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${path}: variable ${variable.name} returned ${length} values for a selection of ${count}`,
      { path },
    );
  }
  if (ArrayBuffer.isView(data)) return { dtype: variable.dtype, shape, data: data as NumericArray };
  if (variable.dtype === "string" || variable.dtype === "char")
    return { dtype: variable.dtype, shape, data: data.map(String) };
  // A scalar dataset comes back from h5wasm as a plain number: put it in its typed array.
  const typed = allocateArray(variable.dtype, count);
  data.forEach((v, i) => {
    typed[i] = (typed instanceof BigInt64Array || typed instanceof BigUint64Array ? BigInt(v) : Number(v)) as never;
  });
  return { dtype: variable.dtype, shape, data: typed };
}

function emptyOf(variable: Hdf5Variable): NumericArray | string[] {
  if (variable.dtype === "string" || variable.dtype === "char") return [];
  return allocateArray(variable.dtype, 0);
}
