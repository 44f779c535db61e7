import { FieldbenchError, isFieldbenchError } from "@fieldbench/core";
import { strictJsonBytes } from "./zarr-json.js";
import { type ZarrNodeMeta, isObject, parseJson, parseV2Array, parseV3Node } from "./zarr-metadata.js";
import { type StoreKey, type ZarrStore, assertSafeKey, isMetadataKey } from "./zarr-store.js";

/** A node of the hierarchy: `path` is "" for the root, `group/var` below it. */
export interface ZarrNode {
  readonly path: string;
  readonly meta: ZarrNodeMeta;
}

export interface ZarrHierarchy {
  readonly version: 2 | 3;
  readonly nodes: ZarrNode[];
  /** How the nodes were found: consolidated metadata, a directory walk, or only the root and named children. */
  readonly discovery: "consolidated" | "listing" | "root";
  /** The store zarrita should read through: serves consolidated metadata documents without requests. */
  readonly store: ZarrStore;
}

export interface DiscoverOptions {
  /**
   * Child paths to open when the store can neither list nor has consolidated metadata (HTTP): Zarr
   * groups do not name their children, so without `.zmetadata` these must be given.
   */
  readonly variables?: readonly string[];
}

/** Bounds for walking a listed store: deeper or larger hierarchies are refused, never walked forever. */
const MAX_DEPTH = 32;
const MAX_NODES = 100_000;

/**
 * Finds the arrays and groups of a store. Order of preference: v3 `zarr.json` (with zarr-python's
 * inline consolidated metadata when present), v2 `.zmetadata`, then a v2 `.zarray`/`.zgroup` at the root;
 * a group without consolidated metadata is walked by listing (local stores) or, for stores that cannot
 * list, reduced to the children named in `options.variables`.
 */
export async function discoverHierarchy(store: ZarrStore, options: DiscoverOptions = {}): Promise<ZarrHierarchy> {
  const found = await findNodes(store, options);
  return { ...found, store: strictMetadata(found.store) };
}

async function findNodes(store: ZarrStore, options: DiscoverOptions): Promise<ZarrHierarchy> {
  const rootV3 = await store.get("/zarr.json");
  if (rootV3 !== undefined) return discoverV3(store, parseJson(rootV3, where(store, "/zarr.json")), options);
  const consolidated = await store.get("/.zmetadata");
  if (consolidated !== undefined) return consolidatedV2(store, parseJson(consolidated, where(store, "/.zmetadata")));
  const zarray = await store.get("/.zarray");
  if (zarray !== undefined) return { version: 2, nodes: [await readV2Node(store, "")], discovery: "root", store };
  const zgroup = await store.get("/.zgroup");
  if (zgroup === undefined) return implicitRoot(store, options);
  const root = await readV2Node(store, "");
  const children = store.list ? await walk(store, readV2Node) : await named(store, options, readV2Node);
  return { version: 2, nodes: [root, ...children], discovery: store.list ? "listing" : "root", store };
}

/**
 * A root with no metadata of its own but arrays or groups below it (written by `zarr.open_array(store,
 * path="t2m")` one variable at a time, or by tools that never write the root `.zgroup`). zarr-python opens
 * each array by its path; the root is taken as an empty group, as the v3 spec's implicit groups were.
 */
async function implicitRoot(store: ZarrStore, options: DiscoverOptions): Promise<ZarrHierarchy> {
  const children = store.list ? await walk(store, readV2OrV3Node) : await named(store, options, readV2OrV3Node);
  if (children.length === 0) {
    throw new FieldbenchError(
      "FILE_NOT_FOUND",
      `${store.location}: no Zarr metadata (zarr.json, .zmetadata, .zarray or .zgroup) at the store root or in the folders below it`,
      { path: store.location },
    );
  }
  const versions = new Set(children.map((c) => c.meta.version));
  if (versions.size > 1) {
    throw new FieldbenchError(
      "CORRUPT_FILE",
      `${store.location}: mixes Zarr v2 and v3 nodes below a root without metadata`,
      {
        path: store.location,
      },
    );
  }
  const version = children[0]?.meta.version as 2 | 3;
  const root: ZarrNode = { path: "", meta: { kind: "group", version, rawAttrs: {} } };
  return { version, nodes: [root, ...children], discovery: store.list ? "listing" : "root", store };
}

async function readV2OrV3Node(store: ZarrStore, path: string): Promise<ZarrNode> {
  if ((await store.get(keyOf(path, "zarr.json"))) !== undefined) return readV3Node(store, path);
  return readV2Node(store, path);
}

/**
 * zarrita parses metadata with JSON.parse; the documents were already validated here, so it is handed them
 * in strict JSON (Python's NaN/Infinity attribute values as null: zarrita reads no attribute values).
 */
function strictMetadata(store: ZarrStore): ZarrStore {
  return {
    ...store,
    async get(key) {
      const bytes = await store.get(key);
      return bytes !== undefined && isMetadataKey(key) ? strictJsonBytes(bytes) : bytes;
    },
  };
}

function where(store: ZarrStore, key: string): string {
  return `${store.location.replace(/\/+$/, "")}${key}`;
}

function keyOf(path: string, name: string): StoreKey {
  return (path === "" ? `/${name}` : `/${path}/${name}`) as StoreKey;
}

async function readJson(store: ZarrStore, key: StoreKey): Promise<Record<string, unknown> | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : parseJson(bytes, where(store, key));
}

async function readV2Node(store: ZarrStore, path: string): Promise<ZarrNode> {
  const attrs = (await readJson(store, keyOf(path, ".zattrs"))) ?? {};
  const zarray = await readJson(store, keyOf(path, ".zarray"));
  if (zarray !== undefined) return { path, meta: parseV2Array(zarray, attrs, where(store, keyOf(path, ".zarray"))) };
  const zgroup = await readJson(store, keyOf(path, ".zgroup"));
  if (zgroup === undefined) {
    throw new FieldbenchError("VARIABLE_NOT_FOUND", `${store.location}: no array or group at "${path}"`, {
      path: store.location,
    });
  }
  return { path, meta: { kind: "group", version: 2, rawAttrs: attrs } };
}

async function readV3Node(store: ZarrStore, path: string): Promise<ZarrNode> {
  const doc = await readJson(store, keyOf(path, "zarr.json"));
  if (doc === undefined) {
    throw new FieldbenchError("VARIABLE_NOT_FOUND", `${store.location}: no array or group at "${path}"`, {
      path: store.location,
    });
  }
  return { path, meta: parseV3Node(doc, where(store, keyOf(path, "zarr.json"))) };
}

async function discoverV3(
  store: ZarrStore,
  rootDoc: Record<string, unknown>,
  options: DiscoverOptions,
): Promise<ZarrHierarchy> {
  const root: ZarrNode = { path: "", meta: parseV3Node(rootDoc, where(store, "/zarr.json")) };
  if (root.meta.kind === "array") return { version: 3, nodes: [root], discovery: "root", store };
  const inline = rootDoc.consolidated_metadata;
  if (isObject(inline) && isObject(inline.metadata)) {
    const docs = new Map<string, Record<string, unknown>>([["/zarr.json", rootDoc]]);
    const nodes: ZarrNode[] = [root];
    for (const [rawPath, doc] of Object.entries(inline.metadata)) {
      const path = assertSafeKey(`/${rawPath}`, store.location).slice(1);
      if (!isObject(doc)) throw corruptEntry(store, rawPath);
      nodes.push({ path, meta: parseV3Node(doc, where(store, `/${path}/zarr.json`)) });
      docs.set(`/${path}/zarr.json`, doc);
    }
    return { version: 3, nodes: nodes.sort(byPath), discovery: "consolidated", store: servingMetadata(store, docs) };
  }
  const children = store.list ? await walk(store, readV3Node) : await named(store, options, readV3Node);
  return { version: 3, nodes: [root, ...children], discovery: store.list ? "listing" : "root", store };
}

function corruptEntry(store: ZarrStore, key: string): FieldbenchError {
  return new FieldbenchError(
    "CORRUPT_FILE",
    `${store.location}: consolidated metadata entry "${key.slice(0, 120)}" is not an object`,
    {
      path: store.location,
    },
  );
}

const V2_SUFFIXES = [".zarray", ".zgroup", ".zattrs"] as const;

/**
 * `.zmetadata` (zarr_consolidated_format 1): every key is vetted before use, so an entry naming
 * `../../etc/passwd/.zarray` is refused rather than normalised away by URL resolution in zarrita.
 */
function consolidatedV2(store: ZarrStore, doc: Record<string, unknown>): ZarrHierarchy {
  if (doc.zarr_consolidated_format !== 1 || !isObject(doc.metadata)) {
    throw new FieldbenchError("CORRUPT_FILE", `${where(store, "/.zmetadata")}: not zarr_consolidated_format 1`, {
      path: store.location,
    });
  }
  const docs = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries(doc.metadata)) {
    const safe = assertSafeKey(`/${key}`, store.location);
    if (!isMetadataKey(safe)) continue;
    if (!isObject(value)) throw corruptEntry(store, key);
    docs.set(safe, value);
  }
  const paths = new Set<string>();
  for (const key of docs.keys()) {
    const suffix = V2_SUFFIXES.find((s) => key.endsWith(`/${s}`));
    if (suffix !== undefined && suffix !== ".zattrs") paths.add(key.slice(1, key.length - suffix.length - 1));
  }
  if (paths.size > MAX_NODES) throw tooMany(store);
  const nodes: ZarrNode[] = [...paths].sort().map((path) => {
    const attrs = docs.get(`${keyOf(path, ".zattrs")}`) ?? {};
    const zarray = docs.get(keyOf(path, ".zarray"));
    if (zarray !== undefined) return { path, meta: parseV2Array(zarray, attrs, where(store, keyOf(path, ".zarray"))) };
    return { path, meta: { kind: "group", version: 2, rawAttrs: attrs } };
  });
  if (nodes.length === 0) {
    throw new FieldbenchError("CORRUPT_FILE", `${where(store, "/.zmetadata")}: names no group or array`, {
      path: store.location,
    });
  }
  // Consolidated metadata naming no root `.zgroup` (the root folder holds only `.zmetadata`): zarr-python
  // still opens each array by its path through it; the root is taken as an empty group.
  if (!nodes.some((n) => n.path === "")) nodes.unshift({ path: "", meta: { kind: "group", version: 2, rawAttrs: {} } });
  return { version: 2, nodes, discovery: "consolidated", store: servingMetadata(store, docs) };
}

/**
 * A store that answers metadata keys from consolidated documents: a known key is served from memory,
 * an unknown metadata key is "absent" without a request (that is what consolidation promises), and
 * chunk keys go to the store.
 */
function servingMetadata(store: ZarrStore, docs: Map<string, Record<string, unknown>>): ZarrStore {
  const encoded = new Map<string, Uint8Array>();
  for (const [key, doc] of docs) encoded.set(key, new TextEncoder().encode(JSON.stringify(doc)));
  return {
    ...store,
    location: store.location,
    async get(key) {
      if (!isMetadataKey(key)) return store.get(key);
      assertSafeKey(key, store.location);
      return encoded.get(key);
    },
  };
}

type ReadNode = (store: ZarrStore, path: string) => Promise<ZarrNode>;

/** Breadth-first walk of a listable store, not descending into arrays (whose folders hold only chunks). */
async function walk(store: ZarrStore, readNode: ReadNode): Promise<ZarrNode[]> {
  const list = store.list as NonNullable<ZarrStore["list"]>;
  const nodes: ZarrNode[] = [];
  let frontier: { path: string; depth: number }[] = [{ path: "", depth: 0 }];
  while (frontier.length > 0) {
    const next: { path: string; depth: number }[] = [];
    for (const { path, depth } of frontier) {
      const { dirs } = await list(path === "" ? "/" : (`/${path}` as StoreKey));
      for (const dir of dirs) {
        if (/[\\\0%]/.test(dir)) continue; // not a name a Zarr writer produces, and not a safe key
        const child = path === "" ? dir : `${path}/${dir}`;
        // Probe the child's metadata rather than list it: an array folder may hold a million chunk files.
        const node = await readNode(store, child).catch((err: unknown) => {
          if (isFieldbenchError(err, "VARIABLE_NOT_FOUND")) return undefined;
          throw err;
        });
        if (node === undefined) continue;
        nodes.push(node);
        if (nodes.length > MAX_NODES) throw tooMany(store);
        if (node.meta.kind === "group" && depth + 1 < MAX_DEPTH) next.push({ path: child, depth: depth + 1 });
      }
    }
    frontier = next;
  }
  return nodes.sort(byPath);
}

function byPath(a: ZarrNode, b: ZarrNode): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

async function named(store: ZarrStore, options: DiscoverOptions, readNode: ReadNode): Promise<ZarrNode[]> {
  const nodes: ZarrNode[] = [];
  for (const name of options.variables ?? []) {
    const path = assertSafeKey(`/${name.replace(/^\/+/, "")}`, store.location).slice(1);
    nodes.push(await readNode(store, path));
  }
  return nodes;
}

function tooMany(store: ZarrStore): FieldbenchError {
  return new FieldbenchError("TOO_LARGE", `${store.location}: more than ${MAX_NODES} arrays and groups`, {
    path: store.location,
  });
}
