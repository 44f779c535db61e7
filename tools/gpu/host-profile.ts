/**
 * Where tfjs-webgpu's host time goes in an EDSR training step: wraps the backend's and Dawn's entry points with
 * timers and prints ms per step, calls per step and us per call. Tiny inputs (batch 1 of 2² LR), so the GPU work is
 * negligible and the numbers are the host's. Runs wherever the webgpu backend does (lavapipe here, the GPU machine):
 *   npm run bench:gpu && node .device/app/app.mjs job host-profile
 */
import * as tf from "@tensorflow/tfjs-core";
import { activateWebgpu } from "../../packages/models/src/backends/webgpu-probe.js";
import { NETS } from "../../packages/models/src/nets/nets.js";
import { flatAdam } from "../../packages/models/src/flat-adam.js";
import { createTrainStep } from "../../packages/models/src/train-step.js";
await activateWebgpu();
const model = NETS.edsr.build({ channels: 3, scale: 8 });
const opt = flatAdam(1e-4);
const step = createTrainStep(model, opt, "meanAbsoluteError");
const x = tf.randomNormal([1, 2, 2, 3]);
const y = tf.randomNormal([1, 16, 16, 3]);
for (let i = 0; i < 5; i++) {
  const l = step(x, y);
  await l.data();
  l.dispose();
}
/** Anything with methods: the instrumentation reaches into the backend's and Dawn's internals. */
type Methods = Record<string, (...args: unknown[]) => unknown>;
// biome-ignore lint/suspicious/noExplicitAny: the backend's fields (device, pipelineCache) are not in its types.
const backend = tf.backend() as any;
const acc: Record<string, { ms: number; n: number }> = {};
function wrap(obj: Methods, name: string, label = name) {
  const orig = obj[name] as (...args: unknown[]) => unknown;
  obj[name] = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const r = orig.apply(this, args);
    const e = (acc[label] ??= { ms: 0, n: 0 });
    e.ms += performance.now() - t0;
    e.n++;
    return r;
  };
}
wrap(backend.device, "createBindGroup");
wrap(backend.device, "createBuffer");
wrap(backend.device, "createCommandEncoder");
wrap(backend.device.queue, "writeBuffer");
wrap(backend.device.queue, "submit");
wrap(backend, "recordAndSubmit");
wrap(backend, "makeUniforms");
wrap(backend, "runWebGPUProgram");
const pipe = Object.values(backend.pipelineCache)[0] as object;
wrap(Object.getPrototypeOf(pipe), "getBindGroupLayout");
wrap(tf.engine() as unknown as Methods, "runKernel", "engine.runKernel");
{
  const enc = backend.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  const pp = Object.getPrototypeOf(pass);
  for (const m of ["setPipeline", "setBindGroup", "dispatchWorkgroups", "end"]) wrap(pp, m, `pass.${m}`);
  pass.end();
  const ep = Object.getPrototypeOf(enc);
  for (const m of ["beginComputePass", "finish", "copyBufferToBuffer"]) wrap(ep, m, `encoder.${m}`);
  enc.finish();
}
let host = 0;
const N = 20;
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const l = step(x, y);
  host += performance.now() - t0;
  await l.data();
  l.dispose();
}
console.log("host ms/step", (host / N).toFixed(1));
for (const [k, v] of Object.entries(acc).sort((a, b) => b[1].ms - a[1].ms))
  console.log(
    k.padEnd(22),
    (v.ms / N).toFixed(2),
    "ms/step",
    (v.n / N).toFixed(0),
    "calls/step",
    ((1000 * v.ms) / v.n).toFixed(1),
    "us/call",
  );
process.exit(0);
