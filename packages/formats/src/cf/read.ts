import { type Attrs, FieldbenchError, type NumericArray } from "@fieldbench/core";
import type { OpenFile, Selection, VariableInfo } from "../types.js";
import { type CfDecodeOptions, type DecodedValues, decodeVariable, decodeVariableFloat32 } from "./decode.js";

/** netCDF's default fill values belong to netCDF files; HDF5, Zarr and NPY data mean what they store. */
export function decodeOptionsFor(file: Pick<OpenFile, "format">): CfDecodeOptions {
  return { netcdfDefaultFill: file.format === "netcdf3" || file.format === "netcdf4" };
}

export interface DecodedArray<T extends Float32Array | Float64Array> extends DecodedValues<T> {
  readonly shape: readonly number[];
}

/**
 * Reads a variable, or a hyperslab of it, CF-decoded as netCDF4-python's auto mask-and-scale does
 * (cf/decode.ts), in float64: what inspect, coordinates and times read through.
 */
export function readDecoded(file: OpenFile, name: string, selection?: Selection): Promise<DecodedArray<Float64Array>> {
  return readWith(decodeVariable, file, name, selection);
}

/** The same in float32, the dtype fields travel in: what score, the loaders and the suite read through. */
export function readDecodedFloat32(
  file: OpenFile,
  name: string,
  selection?: Selection,
): Promise<DecodedArray<Float32Array>> {
  return readWith(decodeVariableFloat32, file, name, selection);
}

async function readWith<T extends Float32Array | Float64Array>(
  decode: (raw: NumericArray, attrs: Attrs, name: string, options: CfDecodeOptions) => DecodedValues<T>,
  file: OpenFile,
  name: string,
  selection: Selection | undefined,
): Promise<DecodedArray<T>> {
  const { info, data, shape } = await readNumbers(file, name, selection);
  return { ...decode(data, info.attrs, `${file.path}: ${info.name}`, decodeOptionsFor(file)), shape };
}

async function readNumbers(
  file: OpenFile,
  name: string,
  selection: Selection | undefined,
): Promise<{ info: VariableInfo; data: NumericArray; shape: readonly number[] }> {
  const info = file.variables.find((v) => v.name === name);
  if (info === undefined) {
    throw new FieldbenchError("VARIABLE_NOT_FOUND", `${file.path}: no variable "${name}"`, { path: file.path });
  }
  const raw = await file.read(info.name, selection);
  if (!ArrayBuffer.isView(raw.data)) {
    throw new FieldbenchError("INVALID_VALUE", `${file.path}: variable ${info.name} holds text, not numbers`, {
      path: file.path,
    });
  }
  return { info, data: raw.data as NumericArray, shape: raw.shape };
}
