// The h5wasm side of the HDF5 reader, run in a worker thread (see src/hdf5-host.ts for why).
// It stays dumb on purpose: it dumps the raw object tree (types, shapes, chunks, filters, attributes,
// attached dimension scales) and reads hyperslabs. Every NetCDF/CF interpretation happens in
// src/hdf5-model.ts on the main thread, where it is typed and unit-tested.
import fs from "node:fs";
import { parentPort } from "node:worker_threads";

// h5wasm's NODERAWFS build prints HDF5-DIAG traces with fs.writeSync(2, ...), straight to the process's
// stderr, past any worker stream. Capture them instead: the deepest line of the trace becomes the reason in
// our one-line error ("truncated file: eof = ..."), and FIELDBENCH_HDF5_DIAG=1 still shows them all.
const showDiag = process.env.FIELDBENCH_HDF5_DIAG === "1";
const MAX_DIAG_CHARS = 64 * 1024;
let diag = "";
const writeSync = fs.writeSync;
fs.writeSync = function captureStderr(fd, data, ...rest) {
  if (fd !== 2) return writeSync.call(fs, fd, data, ...rest);
  let chunk;
  let written;
  if (typeof data === "string") {
    chunk = data;
    written = Buffer.byteLength(data);
  } else {
    const offset = rest[0] ?? 0;
    written = rest[1] ?? data.byteLength - offset;
    chunk = Buffer.from(data.buffer, data.byteOffset + offset, written).toString();
  }
  if (diag.length < MAX_DIAG_CHARS) diag += chunk;
  if (showDiag) process.stderr.write(chunk);
  return written;
};

// Emscripten's own messages ("Aborted(...)", UTF-8 warnings on corrupt strings) go through console.
for (const method of ["error", "warn", "log"]) {
  const original = console[method].bind(console);
  console[method] = (...args) => {
    const text = `${args.join(" ")}\n`;
    if (diag.length < MAX_DIAG_CHARS) diag += text;
    if (showDiag) original(...args);
  };
}

const { default: h5wasm } = await import("h5wasm/node");
await h5wasm.ready;
// Request timeouts start only now: loading the 4 MB wasm glue takes 0.3-3 s depending on machine load.
parentPort.postMessage({ ready: true });
const H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, ENUM: 8 };
/** A corrupt file could declare millions of links or attributes: stop walking beyond these. */
const MAX_OBJECTS = 100_000;
const MAX_DEPTH = 64;
const MAX_ATTR_ELEMENTS = 1_000_000;

const files = new Map();
let nextHandle = 1;

parentPort.on("message", (request) => {
  diag = "";
  try {
    const { result, transfer } = handle(request);
    parentPort.postMessage({ id: request.id, ok: true, result }, transfer ?? []);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // After an Emscripten abort the module is unusable: tell the host to replace this worker.
    const fatal = err instanceof WebAssembly.RuntimeError || /Aborted\(|RuntimeError|out of bounds/.test(message);
    const reason = diagReason();
    const error = message.split("\n")[0] + (reason === undefined ? "" : ` (${reason})`);
    // A TypeError or RangeError is a bug of this worker or of h5wasm's JavaScript, not a verdict on the file.
    const name = err instanceof Error ? err.constructor.name : undefined;
    parentPort.postMessage({ id: request.id, ok: false, error, fatal, name });
  }
});

/** The innermost HDF5 error message of the last trace, e.g. "truncated file: eof = 25248, ...". */
function diagReason() {
  const lines = [...diag.matchAll(/#\d+: .* in [\w.]+\(\): (.+)$/gm)];
  return lines.at(-1)?.[1]?.trim().slice(0, 200);
}

function handle(request) {
  switch (request.op) {
    case "open":
      return { result: openTree(request.path) };
    case "read":
      return readSlab(request);
    case "close": {
      files.get(request.handle)?.close();
      files.delete(request.handle);
      return { result: null };
    }
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

function openTree(path) {
  const file = new h5wasm.File(path, "r");
  // h5wasm does not throw when H5Fopen fails: the file id is 0 or negative and keys() breaks later.
  if (!(file.file_id > 0n)) throw new Error("HDF5 cannot open the file");
  const handle = nextHandle++;
  files.set(handle, file);
  try {
    const tree = { groups: [], datasets: [], skipped: [] };
    const budget = { objects: 0 };
    walk(file, "/", 0, tree, budget);
    return { handle, tree };
  } catch (err) {
    file.close();
    files.delete(handle);
    throw err;
  }
}

function walk(group, path, depth, tree, budget) {
  if (depth > MAX_DEPTH) throw new Error(`groups nested deeper than ${MAX_DEPTH} (a link cycle?)`);
  tree.groups.push({ path, attrs: readAttrs(group) });
  for (const name of group.keys()) {
    if (++budget.objects > MAX_OBJECTS) throw new Error(`more than ${MAX_OBJECTS} objects`);
    const child = group.get(name);
    const childPath = path === "/" ? `/${name}` : `${path}/${name}`;
    if (child instanceof h5wasm.Group) walk(child, childPath, depth + 1, tree, budget);
    else if (child instanceof h5wasm.Dataset) tree.datasets.push(describeDataset(child, childPath));
    else tree.skipped.push({ path: childPath, reason: child === null ? "unreadable link" : "link or named type" });
  }
}

function describeDataset(dataset, path) {
  const m = dataset.metadata;
  const attrs = readAttrs(dataset);
  const shape = m.shape ?? [];
  const hasDimensionList = attrs.some((a) => a.name === "DIMENSION_LIST");
  return {
    path,
    type: typeInfo(m),
    shape,
    maxshape: m.maxshape ?? null,
    chunks: m.chunks ?? null,
    filters: dataset.filters.map((f) => ({ id: f.id, name: f.name })),
    attrs,
    scales: hasDimensionList ? shape.map((_, i) => dataset.get_attached_scales(i)) : [],
  };
}

function typeInfo(m) {
  const base = m.type === H5T.ENUM && m.enum_type ? m.enum_type : undefined;
  return {
    class: m.type,
    size: m.size,
    signed: m.signed,
    vlen: m.vlen,
    littleEndian: m.littleEndian,
    enumBase: base === undefined ? null : { class: base.type, size: m.size, signed: m.signed },
  };
}

function readAttrs(object) {
  const out = [];
  let attrs;
  try {
    attrs = object.attrs;
  } catch (err) {
    return [{ name: "", value: null, error: String(err) }];
  }
  for (const [name, attr] of Object.entries(attrs)) {
    const m = attr.metadata;
    const count = (m.shape ?? []).reduce((a, b) => a * b, 1);
    const readable = [H5T.INTEGER, H5T.FLOAT, H5T.STRING, H5T.ENUM].includes(m.type) && count <= MAX_ATTR_ELEMENTS;
    // References (DIMENSION_LIST, REFERENCE_LIST), compounds and vlen sequences are not read as values.
    out.push({ name, class: m.type, value: readable ? attr.value : null, scalar: (m.shape ?? []).length === 0 });
  }
  return out;
}

/** Reads above `pieceBytes` go through the wasm heap in pieces along dim 0 (the heap tops out near 2 GiB). */
function readSlab({ handle, path, ranges, pieceBytes }) {
  const file = files.get(handle);
  if (file === undefined) throw new Error("file handle is closed");
  const dataset = file.get(path);
  if (!(dataset instanceof h5wasm.Dataset)) throw new Error(`${path} is not a dataset`);
  const m = dataset.metadata;
  if (ranges.length === 0) {
    const value = dataset.value;
    return packed(Array.isArray(value) || ArrayBuffer.isView(value) ? value : [value]);
  }
  const count = ranges.reduce((n, [a, b]) => n * (b - a), 1);
  const rows = ranges[0][1] - ranges[0][0];
  if (count * m.size <= pieceBytes || rows <= 1 || m.type === H5T.STRING) {
    return packed(dataset.slice(ranges));
  }
  // Large numeric read: fill one JS-side array piece by piece so the wasm heap holds one piece at a time.
  const rowCount = count / rows;
  const step = Math.max(1, Math.floor(pieceBytes / (rowCount * m.size)));
  let out;
  for (let start = ranges[0][0]; start < ranges[0][1]; start += step) {
    const stop = Math.min(ranges[0][1], start + step);
    const piece = dataset.slice([[start, stop], ...ranges.slice(1)]);
    out ??= new piece.constructor(count);
    out.set(piece, (start - ranges[0][0]) * rowCount);
  }
  return packed(out);
}

function packed(data) {
  if (ArrayBuffer.isView(data)) return { result: { data }, transfer: [data.buffer] };
  return { result: { data: Array.from(data, (v) => (typeof v === "boolean" ? Number(v) : v)) } };
}
