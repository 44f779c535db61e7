import type { NumericArray } from "./dtype.js";
import { FieldbenchError } from "./errors.js";
import { shapeSize } from "./limits.js";

/** Attribute values as NetCDF/HDF5/Zarr store them: what the values mean (units, long_name), per xarray. */
export type AttrValue = string | number | bigint | boolean | null | readonly (string | number | bigint)[];
export type Attrs = Record<string, AttrValue>;

/** A 1-D coordinate along one dim: numbers (lat, lon, level) or decoded labels (ISO-8601 times). */
export type Coord = Float64Array | Float32Array | Int32Array | readonly string[];

/**
 * One gridded quantity, row-major. The last two dims are y/x for spatial fields.
 * `attrs` say what the values mean; how they were stored (packing, fill value) never reaches a Field.
 */
export interface Field<T extends NumericArray = Float32Array> {
  readonly name: string;
  readonly data: T;
  readonly shape: readonly number[];
  readonly dims: readonly string[];
  readonly coords?: Readonly<Record<string, Coord>>;
  readonly attrs: Attrs;
  readonly units?: string;
}

/** A named set of fields for one time or snapshot (for NSKT: u, v, w). */
export interface Sample {
  /** Position in its split or series, 0-based. */
  readonly index: number;
  /** ISO-8601 time when the sample has one. */
  readonly time?: string;
  readonly fields: Readonly<Record<string, Field>>;
  readonly attrs?: Attrs;
}

/** Samples that stream: a 200-snapshot 2048² split never sits in memory at once. */
export interface Dataset {
  readonly name: string;
  readonly attrs: Attrs;
  /** Number of samples when known without reading them. */
  readonly length?: number;
  samples(): AsyncIterable<Sample>;
}

export interface FieldInit<T extends NumericArray> {
  name: string;
  data: T;
  shape: readonly number[];
  dims?: readonly string[];
  coords?: Record<string, Coord>;
  attrs?: Attrs;
  units?: string;
}

/** Builds a Field, checking that data, shape, dims and coords agree. Dims default to dim_0, dim_1, ... */
export function makeField<T extends NumericArray>(init: FieldInit<T>): Field<T> {
  const { name, data, shape } = init;
  const size = shapeSize(shape, `field ${name}`);
  if (size !== data.length) {
    throw new FieldbenchError(
      "SHAPE_MISMATCH",
      `field ${name}: shape [${shape.join(", ")}] holds ${size} values but the data has ${data.length}`,
    );
  }
  const dims = init.dims ?? shape.map((_, i) => `dim_${i}`);
  if (dims.length !== shape.length) {
    throw new FieldbenchError("SHAPE_MISMATCH", `field ${name}: ${dims.length} dims for a ${shape.length}-D shape`);
  }
  for (const [dim, coord] of Object.entries(init.coords ?? {})) {
    const axis = dims.indexOf(dim);
    if (axis >= 0 && coord.length !== shape[axis]) {
      throw new FieldbenchError(
        "SHAPE_MISMATCH",
        `field ${name}: coordinate ${dim} has ${coord.length} values for an axis of ${shape[axis]}`,
      );
    }
  }
  const attrs = init.attrs ?? {};
  const units = init.units ?? (typeof attrs.units === "string" ? attrs.units : undefined);
  return {
    name,
    data,
    shape: [...shape],
    dims: [...dims],
    attrs,
    ...(init.coords === undefined ? {} : { coords: init.coords }),
    ...(units === undefined ? {} : { units }),
  };
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i] as number;
  }
  return strides;
}
