// Read time of one 2048x2048 float32 field from local Zarr v2 stores (zlib, blosc-lz4+shuffle, blosc-zstd),
// 512x512 chunks, written by zarr-python 2.13 (Debian's /usr/bin/python3) in this run: fieldbench
// (openFile + read, zarrita underneath) against zarr-python reading the same store, same run. Each time
// is the median of REPEATS runs of open + read. The last row reads the blosc-lz4 store over HTTP from a
// node:http server on 127.0.0.1 (fieldbench only; zarr-python 2.13 has no HTTP store without fsspec).
import { spawnSync } from "node:child_process";
import { readFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { openFile } from "@fieldbench/formats";
import { PYTHON_TIMING, formatTiming, makeTimer } from "../../../tools/bench-kit.mjs";

const REPEATS = 10;
const timeIt = makeTimer(REPEATS);
const N = 2048;
const CHUNK = 512;
const dir = mkdtempSync(join(tmpdir(), "zarr-bench-"));
const STORES = [
  // Each store is named field.zarr so that its root array is called "field".
  ["zlib (level 5)", "zlib/field.zarr", "numcodecs.Zlib(level=5)"],
  ["blosc lz4 + shuffle", "blosc-lz4/field.zarr", "numcodecs.Blosc('lz4', 5, numcodecs.Blosc.SHUFFLE)"],
  ["blosc zstd + shuffle", "blosc-zstd/field.zarr", "numcodecs.Blosc('zstd', 3, numcodecs.Blosc.SHUFFLE)"],
];

const python = `
import sys, time, json
import numpy as np, numcodecs, zarr
root, n, chunk, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
stores = json.loads(sys.argv[5])
y, x = np.meshgrid(np.linspace(0, 8 * np.pi, n), np.linspace(0, 8 * np.pi, n), indexing="ij")
field = (np.sin(y) * np.cos(x) * 10 + np.random.default_rng(0).standard_normal((n, n)) * 0.1).astype("f4")
${PYTHON_TIMING}
out = {}
for name, compressor in stores:
    path = root + "/" + name
    z = zarr.open_array(path, mode="w", shape=(n, n), chunks=(chunk, chunk), dtype="f4", compressor=eval(compressor))
    z[...] = field
    t, data = timing(lambda: zarr.open_array(path, mode="r")[...], repeats)
    out[name] = {"timing": t, "sum": float(data.astype("f8").sum())}
json.dump(out, sys.stdout)
`;

async function readField(location) {
  const file = await openFile(location);
  try {
    return (await file.read("field")).data;
  } finally {
    await file.close();
  }
}

function checkSum(data, want, what) {
  let sum = 0;
  for (const v of data) sum += v;
  if (Math.abs(sum - want) > 1e-6 * Math.abs(want) + 1e-2)
    throw new Error(`${what}: sum ${sum} differs from zarr-python's ${want}`);
}

function serve(root) {
  const server = createServer((req, res) => {
    const file = normalize(join(root, decodeURIComponent(req.url ?? "/")));
    try {
      if (!file.startsWith(root) || !statSync(file).isFile()) throw new Error("missing");
      res.writeHead(200).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

try {
  const py = spawnSync(
    "/usr/bin/python3",
    [
      "-c",
      python,
      dir,
      String(N),
      String(CHUNK),
      String(REPEATS),
      JSON.stringify(STORES.map(([, name, c]) => [name, c])),
    ],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (py.status !== 0) throw new Error(`python3 failed: ${py.stderr}`);
  const reference = JSON.parse(py.stdout);

  const rows = [];
  for (const [label, name] of STORES) {
    const path = join(dir, name);
    const ours = await timeIt(() => readField(path));
    checkSum(ours.result, reference[name].sum, label);
    rows.push([label, ours, reference[name].timing]);
  }
  const server = await serve(dir);
  try {
    const url = `http://127.0.0.1:${server.address().port}/blosc-lz4/field.zarr`;
    const remote = await timeIt(() => readField(url));
    checkSum(remote.result, reference["blosc-lz4/field.zarr"].sum, "http");
    rows.push(["blosc lz4 + shuffle over HTTP (127.0.0.1)", remote, undefined]);
  } finally {
    server.close();
  }

  console.log(
    `Read one ${N}x${N} float32 field from a Zarr v2 store, ${CHUNK}x${CHUNK} chunks (median (min-max) of ${REPEATS}, open + read)\n`,
  );
  console.log("| store | fieldbench (ms) | zarr-python 2.13 (ms) | ratio of medians fieldbench / zarr-python |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const [label, ours, theirs] of rows) {
    const ref = theirs === undefined ? "n/a" : formatTiming(theirs);
    const ratio = theirs === undefined ? "n/a" : (ours.ms / theirs.ms).toFixed(2);
    console.log(`| ${label} | ${formatTiming(ours)} | ${ref} | ${ratio} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
