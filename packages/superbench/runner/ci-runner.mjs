// The sandboxed side of `fieldbench ci-score` (packages/superbench/src/sandbox.ts starts it under bubblewrap, with
// Node's permission model inside: reads limited to the package and the few fieldbench modules below, writes to the
// scratch tmpfs only, no child processes or workers).
// Protocol, pipes only, so the child never learns where any data lives:
//   stdin: a uint32 LE byte length, a JSON job {package, kind, entry, channels, scale, normalization,
//          inputs: [{split, shape: [N, C, h, w]}]}, then each input's float32 LE values in order;
//   fd 3:  each input's predictions, float32 LE [N, C, h*scale, w*scale], in the same order, nothing else.
// Plain ESM importing the BUILT fieldbench packages (dist/), so no TypeScript tooling runs in the sandbox.
import { createWriteStream } from "node:fs";

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The job header and each input as an aligned Float32Array (a copy: Buffer slices share a pooled, unaligned buffer). */
function parseJob(bytes) {
  const headerLength = bytes.readUInt32LE(0);
  const job = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8"));
  let offset = 4 + headerLength;
  const inputs = job.inputs.map((item) => {
    const count = item.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(bytes.subarray(offset, offset + count * 4));
    offset += count * 4;
    return { ...item, values };
  });
  return { job, inputs };
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

function write(stream, bytes) {
  return new Promise((done, fail) => stream.write(bytes, (err) => (err ? fail(err) : done())));
}

async function main() {
  const { job, inputs } = parseJob(await readAll(process.stdin));
  const out = createWriteStream(null, { fd: 3 });
  const model = await loadModel(job);
  for (const item of inputs) {
    const [n, c, h, w] = item.shape;
    const snapshot = c * h * w;
    const hrSnapshot = c * h * job.scale * w * job.scale;
    for (let i = 0; i < n; i++) {
      const pred = await predictOne(model, item.values.subarray(i * snapshot, (i + 1) * snapshot), [c, h, w], job.scale);
      if (!(pred instanceof Float32Array) || pred.length !== hrSnapshot)
        throw new Error(`predict returned ${pred?.length} values for ${item.split}, expected ${hrSnapshot} float32`);
      await write(out, new Uint8Array(pred.buffer, pred.byteOffset, pred.byteLength));
    }
  }
  await model.dispose?.();
  await new Promise((done) => out.end(done));
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
