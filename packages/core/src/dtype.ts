/** Element types as string literals, mapped to the typed array that holds them (zarrita's habit). */
export type NumericDType =
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";
export type DType = NumericDType | "string" | "char";

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export type FloatArray = Float32Array | Float64Array;

export const BYTES_PER_ELEMENT: Record<NumericDType, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

export function allocateArray(dtype: NumericDType, length: number): NumericArray {
  switch (dtype) {
    case "int8":
      return new Int8Array(length);
    case "uint8":
      return new Uint8Array(length);
    case "int16":
      return new Int16Array(length);
    case "uint16":
      return new Uint16Array(length);
    case "int32":
      return new Int32Array(length);
    case "uint32":
      return new Uint32Array(length);
    case "int64":
      return new BigInt64Array(length);
    case "uint64":
      return new BigUint64Array(length);
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
  }
}

export function dtypeOf(array: NumericArray): NumericDType {
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Float64Array) return "float64";
  if (array instanceof Int8Array) return "int8";
  if (array instanceof Uint8Array) return "uint8";
  if (array instanceof Int16Array) return "int16";
  if (array instanceof Uint16Array) return "uint16";
  if (array instanceof Int32Array) return "int32";
  if (array instanceof Uint32Array) return "uint32";
  if (array instanceof BigInt64Array) return "int64";
  return "uint64";
}

/** Converts any numeric array to float32, the dtype fields travel in; a Float32Array is returned as it is. */
export function toFloat32(array: NumericArray): Float32Array {
  return array instanceof Float32Array ? array : copyInto(array, new Float32Array(array.length));
}

/** Converts any numeric array to float64 (int64 through Number, which is exact up to 2^53). */
export function toFloat64(array: NumericArray): Float64Array {
  return array instanceof Float64Array ? array : copyInto(array, new Float64Array(array.length));
}

function copyInto<T extends Float32Array | Float64Array>(array: NumericArray, out: T): T {
  if (array instanceof BigInt64Array || array instanceof BigUint64Array) {
    for (let i = 0; i < array.length; i++) out[i] = Number(array[i]);
  } else {
    out.set(array);
  }
  return out;
}
