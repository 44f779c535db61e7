// The sandboxed side of `fieldbench ci-score`: started by the parent as
//   node --experimental-permission --allow-fs-read=<package> --allow-fs-read=<scratch> --allow-fs-read=<fieldbench install>
//        --allow-fs-write=<scratch>
//        --max-old-space-size=<MB> ci-runner.mjs <scratch>/job.json
// It loads the model package, runs it on the LR inputs the parent wrote into scratch (.npy, float32 [N, C, h, w]) and
// writes the predictions back as .npy. It never sees the ground truth: the parent keeps it and does the scoring.
// Plain ESM importing the BUILT fieldbench packages (dist/), so no TypeScript tooling runs in the sandbox.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Reads a little-endian float32 C-order .npy (what the parent writes). */
function decodeNpy(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const shape = /'shape':\s*\(([^)]*)\)/
    .exec(header)[1]
    .split(",")
    .filter((s) => s.trim() !== "")
    .map(Number);
  if (!header.includes("'<f4'")) throw new Error(`expected <f4 input, header ${header}`);
  const offset = start + headerLen;
  // Copy: a Buffer's slice() is a view into a larger (pooled) ArrayBuffer, not an aligned array of its own.
  const values = new Uint8Array(bytes.byteLength - offset);
  values.set(bytes.subarray(offset));
  const data = new Float32Array(values.buffer);
  return { data, shape };
}

function encodeNpy(data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${" ".repeat(pad % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** The same loader `fieldbench run superbench --model DIR` uses (js, tfjs and onnx packages). */
async function loadModel(job) {
  const { loadModelPackage } = await import("@fieldbench/models");
  return loadModelPackage(job.package, { channels: job.channels, scale: job.scale, normalization: job.normalization });
}

async function predictOne(model, lr, shape, scale) {
  if (model.tile !== undefined) {
    // Loaded only for tiled models (TF.js): this package's own dist/, built before any tiled package can run.
    const { predictTiled } = await import(new URL("../dist/tiling.js", import.meta.url).href);
    return predictTiled(model, lr, shape, scale, model.tile);
  }
  return model.predict(lr, [1, ...shape], { scale });
}

async function main() {
  const jobPath = process.argv[2];
  const job = JSON.parse(await readFile(jobPath, "utf8"));
  const model = await loadModel(job);
  for (const item of job.inputs) {
    const { data, shape } = decodeNpy(await readFile(join(job.scratch, item.lr)));
    const [n, c, h, w] = shape;
    const snapshot = c * h * w;
    const hrSnapshot = c * h * job.scale * w * job.scale;
    const out = new Float32Array(n * hrSnapshot);
    for (let i = 0; i < n; i++) {
      const lr = data.subarray(i * snapshot, (i + 1) * snapshot);
      const pred = await predictOne(model, lr, [c, h, w], job.scale);
      if (pred.length !== hrSnapshot) throw new Error(`predict returned ${pred.length} values, expected ${hrSnapshot}`);
      out.set(pred, i * hrSnapshot);
    }
    await writeFile(join(job.scratch, item.out), encodeNpy(out, [n, c, h * job.scale, w * job.scale]));
  }
  await model.dispose?.();
  await writeFile(join(job.scratch, "done.json"), JSON.stringify({ ok: true, name: model.name ?? null }));
}

main().then(
  () => process.exit(0),
  (err) => {
    // One line for the parent: the permission model's error code says when the sandbox stopped an access.
    const code = err?.code ? `${err.code}: ` : "";
    const target = err?.resource ? ` (${err.permission ?? "access"} ${err.resource})` : "";
    process.stderr.write(`ci-runner: ${code}${String(err?.message ?? err).split("\n")[0]}${target}\n`);
    process.exit(3);
  },
);
