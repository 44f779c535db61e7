import type { AttrValue, Attrs, DType } from "@fieldbench/core";
import type { UserDType, VariableInfo } from "./types.js";

/** What the h5wasm worker reports about a file (worker/hdf5-worker.mjs): raw, uninterpreted. */
export interface RawTree {
  groups: { path: string; attrs: RawAttr[] }[];
  datasets: RawDataset[];
  skipped: { path: string; reason: string }[];
}

export interface RawAttr {
  name: string;
  /** HDF5 type class (0 integer, 1 float, 3 string, 7 reference, 8 enum, 9 vlen, ...). */
  class?: number;
  value: unknown;
  scalar?: boolean;
}

export interface RawType {
  class: number;
  size: number;
  signed: boolean;
  vlen: boolean;
  littleEndian: boolean;
  enumBase: { class: number; size: number; signed: boolean } | null;
  /** Compound members (absent from workers of older trees). */
  members?: { name: string; type: RawType }[] | null;
  /** A vlen sequence's element type. */
  vlenBase?: RawType | null;
}

export interface RawDataset {
  path: string;
  type: RawType;
  shape: number[];
  maxshape: number[] | null;
  chunks: number[] | null;
  filters: { id: number; name: string }[];
  attrs: RawAttr[];
  /** Paths of the dimension scales attached to each axis (empty without DIMENSION_LIST). */
  scales: string[][];
}

/** A variable as the reader exposes it, plus where it lives in the file and how it is filtered. */
export interface Hdf5Variable extends VariableInfo {
  readonly dtype: DType;
  readonly datasetPath: string;
  readonly filterIds: readonly { id: number; name: string }[];
}

export interface Hdf5Model {
  format: "netcdf4" | "hdf5";
  dims: Record<string, number>;
  attrs: Attrs;
  variables: Hdf5Variable[];
  /** netCDF-4 user-defined types (compound, vlen, opaque): listed as ncdump lists them, never read. */
  userTyped: VariableInfo[];
  /** Datasets with a type fieldbench does not expose (float16, references, ...). */
  unsupported: { name: string; reason: string }[];
}

/**
 * HDF5 filter ids h5wasm 0.10.3 decodes: deflate, shuffle, fletcher32, szip, nbit, scaleoffset.
 * lzf (32000) is NOT among them although h5py writes it: h5wasm prints "required filter 'lzf' is not
 * registered" and returns garbage, so it is refused like blosc, bzip2, lz4 and zstd.
 */
export const DECODABLE_FILTER_IDS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]);

/** netCDF-C's NAME on a dimension scale that has no coordinate variable (nc4internal.h). */
const DIM_WITHOUT_VARIABLE = "This is a netCDF dimension but not a netCDF variable.";
/** netCDF-C bookkeeping that `ncdump -h` never shows; dimension names carry their meaning instead. */
const HIDDEN_VARIABLE_ATTRS = new Set(["_Netcdf4Dimid", "_Netcdf4Coordinates", "DIMENSION_LIST", "REFERENCE_LIST"]);
const HIDDEN_SCALE_ATTRS = new Set(["CLASS", "NAME"]);
/** `ncdump -h` hides these too (`ncdump -s` shows _NCProperties as a "special" attribute). */
const HIDDEN_GLOBAL_ATTRS = new Set(["_NCProperties", "_nc3_strict"]);

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
const H5T_ENUM = 8;

/**
 * Turns the raw tree into fieldbench's view, the way `ncdump -h` shows a NetCDF4 file:
 * - variables are datasets named by their path without the leading slash (`forecast/tp`); netCDF-C's
 *   placeholder scales (dimensions without a coordinate variable) are dims, not variables;
 * - dims come from dimension scales: a root scale is named as its dataset (`time`), a scale in a group
 *   by its path (`forecast/step`), so the flat `dims` map stays unambiguous. A variable's axis takes its
 *   dim from `_Netcdf4Coordinates` (netCDF-C's dim ids, needed for multi-dim coordinate variables),
 *   else from the scale attached to it (DIMENSION_LIST), else from itself when it is a scale;
 * - an axis with no scale gets a phony dim as netCDF-C names it: `phony_dim_N` (prefixed by the group
 *   path), reused within a group by axes of equal length, never twice in one variable, numbered in
 *   netCDF-C's visiting order (subgroups before a group's own datasets). In a plain HDF5 file the names
 *   match `ncdump -h`; in a file mixing scales and unscaled axes netCDF-C's numbers can differ, since it
 *   counts real dims too;
 * - a dim's length is the longest of its scale and the axes using it (an unlimited dim's placeholder scale
 *   can be shorter than its variables);
 * - attributes: netCDF-C bookkeeping is hidden; group attributes appear in `attrs` as `group/name`.
 */
export function buildModel(tree: RawTree): Hdf5Model {
  const scales = tree.datasets.filter(isDimensionScale);
  const scaleKeys = new Map(scales.map((s) => [s.path, stripSlash(s.path)]));
  const dimIds = new Map<number, string>();
  for (const scale of scales) {
    const id = firstNumber(attrValue(scale.attrs, "_Netcdf4Dimid"));
    if (id !== undefined) dimIds.set(id, stripSlash(scale.path));
  }
  const dimLengths = new Map<string, number>();
  const orderedScales = [...scales].sort((a, b) => dimOrder(a) - dimOrder(b));
  for (const scale of orderedScales) dimLengths.set(stripSlash(scale.path), scale.shape[0] ?? 0);

  // Phony dims are numbered in netCDF-C's order: groups depth-first, a group's subgroups before its own datasets.
  const phony = createPhonyDims();
  const axisDims = new Map<RawDataset, string[]>();
  for (const dataset of postOrder(tree)) {
    if (isPlaceholderScale(dataset) || (dtypeOf(dataset.type) === undefined && userDTypeOf(dataset.type) === undefined))
      continue;
    const group = groupOf(stripSlash(dataset.path));
    const dims = dataset.shape.map(
      (n, axis) => namedDim(dataset, axis, dimIds, scaleKeys) ?? phony.take(group, n, dataset.path),
    );
    phony.endVariable();
    axisDims.set(dataset, dims);
  }
  const variables: Hdf5Variable[] = [];
  const userTyped: VariableInfo[] = [];
  const unsupported: { name: string; reason: string }[] = [];
  for (const dataset of tree.datasets) {
    const name = netcdfName(stripSlash(dataset.path));
    if (isPlaceholderScale(dataset)) continue;
    const dtype = dtypeOf(dataset.type);
    const userDType = userDTypeOf(dataset.type);
    const dims = axisDims.get(dataset);
    if ((dtype === undefined && userDType === undefined) || dims === undefined) {
      unsupported.push({ name, reason: describeType(dataset.type) });
      continue;
    }
    // Every variable's axes count toward its dims' lengths: an unlimited dim used only by a compound
    // variable is as long as that variable, not its 0-length placeholder scale.
    dims.forEach((dim, axis) => {
      dimLengths.set(dim, Math.max(dimLengths.get(dim) ?? 0, dataset.shape[axis] ?? 0));
    });
    if (dtype === undefined) {
      userTyped.push({
        name,
        dtype: userDType as UserDType,
        shape: [...dataset.shape],
        dims,
        attrs: toAttrs(dataset.attrs, new Set()),
        userType: userTypeOf(dataset.type),
      });
      continue;
    }
    variables.push({
      name,
      dtype,
      shape: [...dataset.shape],
      dims,
      attrs: toAttrs(dataset.attrs, isDimensionScale(dataset) ? HIDDEN_SCALE_ATTRS : new Set()),
      ...(dataset.chunks === null ? {} : { chunks: [...dataset.chunks] }),
      filters: dataset.filters.map((f) => f.name || `filter ${f.id}`),
      datasetPath: dataset.path,
      filterIds: dataset.filters,
    });
  }
  // Placeholder scales never carry values, but their axes still count toward their dim's length.
  for (const scale of scales) {
    const key = stripSlash(scale.path);
    dimLengths.set(key, Math.max(dimLengths.get(key) ?? 0, scale.shape[0] ?? 0));
  }
  const rootAttrs = tree.groups.find((g) => g.path === "/")?.attrs ?? [];
  const attrs: Attrs = toAttrs(rootAttrs, HIDDEN_GLOBAL_ATTRS);
  for (const group of tree.groups) {
    if (group.path === "/") continue;
    for (const [key, value] of Object.entries(toAttrs(group.attrs, HIDDEN_GLOBAL_ATTRS))) {
      attrs[`${stripSlash(group.path)}/${key}`] = value;
    }
  }
  const isNetcdf = scales.length > 0 || rootAttrs.some((a) => a.name === "_NCProperties");
  return {
    format: isNetcdf ? "netcdf4" : "hdf5",
    dims: Object.fromEntries(dimLengths),
    attrs,
    variables,
    userTyped,
    unsupported,
  };
}

/** Datasets ordered as netCDF-C visits them: each group's subgroups (depth-first) before its own datasets. */
function postOrder(tree: RawTree): RawDataset[] {
  const children = new Map<string, string[]>();
  for (const group of tree.groups) {
    if (group.path === "/") continue;
    const parent = `/${groupOf(stripSlash(group.path))}`;
    children.set(parent, [...(children.get(parent) ?? []), group.path]);
  }
  const ownDatasets = new Map<string, RawDataset[]>();
  for (const dataset of tree.datasets) {
    const group = `/${groupOf(stripSlash(dataset.path))}`;
    ownDatasets.set(group, [...(ownDatasets.get(group) ?? []), dataset]);
  }
  const out: RawDataset[] = [];
  const visit = (group: string, depth: number): void => {
    if (depth > 256) return;
    for (const child of children.get(group) ?? []) visit(child, depth + 1);
    out.push(...(ownDatasets.get(group) ?? []));
  };
  visit("/", 0);
  return out;
}

function namedDim(
  dataset: RawDataset,
  axis: number,
  dimIds: ReadonlyMap<number, string>,
  scaleKeys: ReadonlyMap<string, string>,
): string | undefined {
  const coordinates = numberList(attrValue(dataset.attrs, "_Netcdf4Coordinates"));
  if (coordinates.length === dataset.shape.length) {
    const byId = dimIds.get(coordinates[axis] as number);
    if (byId !== undefined) return byId;
  }
  const attached = dataset.scales[axis]?.find((path) => scaleKeys.has(path));
  if (attached !== undefined) return scaleKeys.get(attached);
  if (axis === 0 && dataset.shape.length === 1 && isDimensionScale(dataset)) return stripSlash(dataset.path);
  return undefined;
}

/** netCDF-C's phony dims: per group, an axis reuses an existing phony dim of its length unless this variable already did. */
function createPhonyDims(): { take(group: string, length: number, owner: string): string; endVariable(): void } {
  const byGroup = new Map<string, { name: string; length: number }[]>();
  let usedByVariable = new Set<string>();
  let counter = 0;
  return {
    take(group, length) {
      const list = byGroup.get(group) ?? [];
      byGroup.set(group, list);
      let dim = list.find((d) => d.length === length && !usedByVariable.has(d.name));
      if (dim === undefined) {
        dim = { name: `${group === "" ? "" : `${group}/`}phony_dim_${counter++}`, length };
        list.push(dim);
      }
      usedByVariable.add(dim.name);
      return dim.name;
    },
    endVariable() {
      usedByVariable = new Set();
    },
  };
}

function isDimensionScale(dataset: RawDataset): boolean {
  const cls = attrValue(dataset.attrs, "CLASS");
  // netCDF-C makes a multi-dimensional coordinate variable (`float x(x, y)`) a scale too; its dim is axis 0.
  return typeof cls === "string" && cls.replace(/\0+$/, "") === "DIMENSION_SCALE" && dataset.shape.length >= 1;
}

function isPlaceholderScale(dataset: RawDataset): boolean {
  const name = attrValue(dataset.attrs, "NAME");
  return isDimensionScale(dataset) && typeof name === "string" && name.startsWith(DIM_WITHOUT_VARIABLE);
}

function dimOrder(scale: RawDataset): number {
  return firstNumber(attrValue(scale.attrs, "_Netcdf4Dimid")) ?? Number.MAX_SAFE_INTEGER;
}

/** HDF5 type -> fieldbench dtype. NC_CHAR (fixed strings of one byte) is "char"; other strings "string". */
export function dtypeOf(type: RawType): DType | undefined {
  const base = type.class === H5T_ENUM && type.enumBase !== null ? type.enumBase : type;
  if (base.class === H5T_INTEGER) {
    const bits = ({ 1: "8", 2: "16", 4: "32", 8: "64" } as Record<number, string>)[base.size];
    return bits === undefined ? undefined : (`${base.signed ? "int" : "uint"}${bits}` as DType);
  }
  if (base.class === H5T_FLOAT) return base.size === 4 ? "float32" : base.size === 8 ? "float64" : undefined;
  if (type.class === H5T_STRING) return !type.vlen && type.size === 1 ? "char" : "string";
  return undefined;
}

/**
 * netCDF-C stores a variable named like a dimension it is not the coordinate of (`float x(y)` beside
 * dim `x`) as `_nc4_non_coord_x`, since the dataset `x` is the dim's scale; its netCDF name is `x`.
 */
const NON_COORD_PREFIX = "_nc4_non_coord_";

function netcdfName(path: string): string {
  const slash = path.lastIndexOf("/");
  const leaf = path.slice(slash + 1);
  return leaf.startsWith(NON_COORD_PREFIX) ? `${path.slice(0, slash + 1)}${leaf.slice(NON_COORD_PREFIX.length)}` : path;
}

const USER_DTYPES: Readonly<Record<number, UserDType>> = { 5: "opaque", 6: "compound", 9: "vlen" };

function userDTypeOf(type: RawType): UserDType | undefined {
  // A vlen of characters is a string (dtypeOf's business), not a sequence.
  if (type.class === 9 && type.vlenBase?.class === H5T_STRING) return undefined;
  return USER_DTYPES[type.class];
}

/** What ncdump -h would say of the type: compound members with their dtypes, a vlen's base, an opaque's size. */
function userTypeOf(type: RawType): NonNullable<VariableInfo["userType"]> {
  const name = (t: RawType) => dtypeOf(t) ?? userDTypeOf(t) ?? `class ${t.class}`;
  if (type.class === 6) {
    return { kind: "compound", members: (type.members ?? []).map((m) => ({ name: m.name, dtype: name(m.type) })) };
  }
  if (type.class === 9) return { kind: "vlen", ...(type.vlenBase ? { base: name(type.vlenBase) } : {}) };
  return { kind: "opaque", size: type.size };
}

function describeType(type: RawType): string {
  const names: Record<number, string> = {
    1: `${type.size * 8}-bit float`,
    2: "time",
    4: "bitfield",
    5: "opaque",
    6: "compound",
    7: "reference",
    9: "variable-length sequence",
    10: "array",
  };
  return `HDF5 ${names[type.class] ?? `type class ${type.class}`} datasets are not read`;
}

function toAttrs(raw: readonly RawAttr[], hidden: ReadonlySet<string>): Attrs {
  const out: Attrs = {};
  for (const attr of raw) {
    if (attr.name === "" || hidden.has(attr.name) || HIDDEN_VARIABLE_ATTRS.has(attr.name)) continue;
    out[attr.name] = toAttrValue(attr.value);
  }
  return out;
}

/**
 * Attribute values as ncdump prints them: a one-element array is a scalar (netCDF stores every
 * attribute as a 1-D array), strings lose HDF5's fixed-length NUL padding, 64-bit integers are numbers
 * when exact. Types fieldbench does not read (references, compounds) become null.
 */
export function toAttrValue(value: unknown): AttrValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value.replace(/\0+$/, "");
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return exactNumber(value);
  const list = ArrayBuffer.isView(value)
    ? Array.from(value as unknown as ArrayLike<number | bigint>)
    : Array.isArray(value)
      ? (value as unknown[])
      : undefined;
  if (list === undefined) return null;
  const items = list.map((v) =>
    typeof v === "bigint" ? exactNumber(v) : typeof v === "string" ? v.replace(/\0+$/, "") : v,
  );
  if (!items.every((v) => typeof v === "string" || typeof v === "number" || typeof v === "bigint")) return null;
  const clean = items as (string | number | bigint)[];
  return clean.length === 1 ? (clean[0] as string | number | bigint) : clean;
}

function exactNumber(value: bigint): number | bigint {
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

function attrValue(attrs: readonly RawAttr[], name: string): unknown {
  const value = attrs.find((a) => a.name === name)?.value;
  if (Array.isArray(value) && value.length === 1) return value[0];
  return value;
}

function numberList(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  if (Array.isArray(value)) return value.map(Number);
  return [];
}

function firstNumber(value: unknown): number | undefined {
  const list = numberList(value);
  return list.length > 0 && Number.isFinite(list[0]) ? list[0] : undefined;
}

function stripSlash(path: string): string {
  return path.replace(/^\/+/, "");
}

function groupOf(name: string): string {
  const slash = name.lastIndexOf("/");
  return slash < 0 ? "" : name.slice(0, slash);
}
