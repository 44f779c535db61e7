import type { Attrs, DType, NumericArray } from "@fieldbench/core";

/**
 * A format name as `fieldbench inspect --json` reports it: netcdf3, netcdf4, hdf5, zarr, segy, fluxnet, npy,
 * grib2 for the built-in readers, or the name a registered reader gives (registry.ts holds the list).
 */
export type FormatName = string;

/**
 * netCDF-4 / HDF5 user-defined types fieldbench lists but does not read as arrays: compound (a struct per
 * element), vlen (a variable-length sequence per element) and opaque (fixed-size bytes). `inspect` shows
 * them as ncdump does; reading one is refused with UNSUPPORTED.
 */
export type UserDType = "compound" | "vlen" | "opaque";

/** What a file stores for one variable: metadata only, read without touching the data. */
export interface VariableInfo {
  /** Name as stored; group members as `group/var`. */
  readonly name: string;
  readonly dtype: DType | UserDType;
  /** The netCDF-4 type behind a user-defined dtype: compound members, a vlen's base type, an opaque's size. */
  readonly userType?: {
    readonly kind: UserDType;
    readonly members?: readonly { readonly name: string; readonly dtype: string }[];
    readonly base?: string;
    readonly size?: number;
  };
  readonly shape: readonly number[];
  readonly dims: readonly string[];
  /** Attributes as stored, CF packing attributes included (decoding is the CF layer's job). */
  readonly attrs: Attrs;
  /** Chunk shape where storage is chunked. */
  readonly chunks?: readonly number[];
  /** Filters or codecs in storage order (`shuffle`, `deflate`, `blosc`, ...), for display and refusal checks. */
  readonly filters?: readonly string[];
}

/**
 * A selection per dim: an index (the dim is kept with extent 1), a half-open [start, stop) range,
 * or null for the whole dim. Missing trailing entries mean whole dims.
 */
export type DimSelection = number | readonly [number, number] | null;
export type Selection = readonly DimSelection[];

/** Values exactly as stored (no CF decoding), row-major. */
export interface RawArray {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: NumericArray | readonly string[];
}

/** An opened file or store. Metadata is read at open; data only on `read`. */
export interface OpenFile {
  readonly format: FormatName;
  readonly path: string;
  readonly dims: Readonly<Record<string, number>>;
  readonly attrs: Attrs;
  readonly variables: readonly VariableInfo[];
  /** A format-specific block for `inspect` (docs/cli.md: `segy`, `fluxnet`, `grib2`). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Reads one variable, or a hyperslab of it, reading only the bytes the selection needs. */
  read(name: string, selection?: Selection): Promise<RawArray>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Format-specific settings, e.g. SEG-Y inline/crossline byte positions. */
  readonly [key: string]: unknown;
}

/** What sniffing sees: the first bytes of a file, or the listing of a directory (Zarr), or a URL. */
export interface Probe {
  readonly path: string;
  /** Up to the first 64 KiB of a regular file; empty for directories and URLs. */
  readonly head: Uint8Array;
  readonly isDirectory: boolean;
  /** Entry names of a directory (not recursive). */
  readonly entries: readonly string[];
  readonly isUrl: boolean;
}

/** One backend per format (xarray's habit): says whether it can open a probe, then opens. */
export interface FormatReader {
  readonly format: FormatName;
  sniff(probe: Probe): boolean;
  open(path: string, options?: OpenOptions): Promise<OpenFile>;
}
