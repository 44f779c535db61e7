/**
 * GPU job `conv-bench`: the GPU-machine experiment for the WebGPU speed issue: numerical agreement and speed of the split-K
 * Conv2DBackpropFilter against tfjs-webgpu's stock kernel (and the cpu backend on small shapes), a per-kernel
 * profile of an SRCNN training step before and after, and PyTorch fp32 on the same card in the same run.
 *   node .device/app/app.mjs job conv-bench OUT_DIR
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { registerWebgpuConv2DBackpropFilter } from "../../packages/models/src/backends/webgpu-conv2d-backprop-filter.js";
import { startWebgpu } from "../../packages/models/src/backends/select.js";
import { jobReport, pytorchTimings } from "./report.js";

const { say, save } = jobReport("bench-out");

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: "same" | "valid";
  cpuCheck: boolean;
}

const CASES: Case[] = [
  { name: "tiny odd stride2 same", x: [3, 17, 13, 5], filter: [3, 3, 5, 7], strides: 2, pad: "same", cpuCheck: true },
  { name: "tiny valid 5x5", x: [2, 21, 19, 3], filter: [5, 5, 3, 1], strides: 1, pad: "valid", cpuCheck: true },
  { name: "small 3x3 16->8", x: [4, 32, 32, 16], filter: [3, 3, 16, 8], strides: 1, pad: "same", cpuCheck: true },
  {
    name: "SRCNN conv1 9x9 1->64",
    x: [32, 64, 64, 1],
    filter: [9, 9, 1, 64],
    strides: 1,
    pad: "same",
    cpuCheck: false,
  },
  {
    name: "SRCNN conv2 5x5 64->32",
    x: [32, 64, 64, 64],
    filter: [5, 5, 64, 32],
    strides: 1,
    pad: "same",
    cpuCheck: false,
  },
  {
    name: "SRCNN conv3 5x5 32->1",
    x: [32, 64, 64, 32],
    filter: [5, 5, 32, 1],
    strides: 1,
    pad: "same",
    cpuCheck: false,
  },
  {
    name: "EDSR body 3x3 64->64 (16x 32²)",
    x: [16, 32, 32, 64],
    filter: [3, 3, 64, 64],
    strides: 1,
    pad: "same",
    cpuCheck: false,
  },
];

function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, c: Case): tf.Tensor4D {
  return tf
    .engine()
    .runKernel(
      "Conv2DBackpropFilter",
      { x, dy },
      { strides: [c.strides, c.strides], pad: c.pad, dataFormat: "NHWC", filterShape: c.filter },
    ) as tf.Tensor4D;
}

function dyShape(c: Case): [number, number, number, number] {
  const [b, h, w] = c.x;
  const [fh, fw, , co] = c.filter;
  const oh = c.pad === "same" ? Math.ceil(h / c.strides) : Math.ceil((h - fh + 1) / c.strides);
  const ow = c.pad === "same" ? Math.ceil(w / c.strides) : Math.ceil((w - fw + 1) / c.strides);
  return [b, oh, ow, co];
}

function relErr(a: Float32Array, ref: Float32Array): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (ref[i] as number)));
    maxRef = Math.max(maxRef, Math.abs(ref[i] as number));
  }
  return maxDiff / (maxRef || 1);
}

async function timeKernel(fn: () => tf.Tensor, reps: number): Promise<number> {
  const warm = fn();
  await warm.data();
  warm.dispose();
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < reps; i++) outs.push(fn());
    await (outs[outs.length - 1] as tf.Tensor).data();
    times.push((performance.now() - t0) / reps);
    for (const o of outs) o.dispose();
  }
  return times.sort((a, b) => a - b)[1] as number;
}

function srcnn(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(
    tfl.layers.conv2d({ inputShape: [64, 64, 1], filters: 64, kernelSize: 9, padding: "same", activation: "relu" }),
  );
  m.add(tfl.layers.conv2d({ filters: 32, kernelSize: 5, padding: "same", activation: "relu" }));
  m.add(tfl.layers.conv2d({ filters: 1, kernelSize: 5, padding: "same" }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: "meanAbsoluteError" });
  return m;
}

function edsrBody(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3] });
  let h = tfl.layers.conv2d({ filters: 64, kernelSize: 3, padding: "same" }).apply(input) as tfl.SymbolicTensor;
  const head = h;
  for (let i = 0; i < 16; i++) {
    let r = tfl.layers
      .conv2d({ filters: 64, kernelSize: 3, padding: "same", activation: "relu" })
      .apply(h) as tfl.SymbolicTensor;
    r = tfl.layers.conv2d({ filters: 64, kernelSize: 3, padding: "same" }).apply(r) as tfl.SymbolicTensor;
    h = tfl.layers.add().apply([h, r]) as tfl.SymbolicTensor;
  }
  h = tfl.layers.add().apply([h, head]) as tfl.SymbolicTensor;
  const o = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same" }).apply(h) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: input, outputs: o });
  m.compile({ optimizer: tf.train.adam(1e-4), loss: "meanAbsoluteError" });
  return m;
}

async function timeTrainStep(
  build: () => tfl.LayersModel,
  xShape: number[],
  yShape: number[],
  steps: number,
): Promise<number> {
  const model = build();
  const x = tf.randomNormal(xShape);
  const y = tf.randomNormal(yShape);
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const ms = (performance.now() - t0) / steps;
  x.dispose();
  y.dispose();
  model.dispose();
  return ms;
}

async function profileStep(build: () => tfl.LayersModel, xShape: number[], yShape: number[]) {
  const model = build();
  const x = tf.randomNormal(xShape);
  const y = tf.randomNormal(yShape);
  await model.trainOnBatch(x, y);
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const byKernel = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  }
  x.dispose();
  y.dispose();
  model.dispose();
  return [...byKernel.entries()].sort((a, b) => b[1] - a[1]);
}

const PYTORCH = String.raw`
import json, time, torch, torch.nn as nn
torch.manual_seed(0)
dev = "cuda"
res = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0)}
def srcnn():
    return nn.Sequential(nn.Conv2d(1,64,9,padding=4), nn.ReLU(), nn.Conv2d(64,32,5,padding=2), nn.ReLU(), nn.Conv2d(32,1,5,padding=2)).to(dev)
class EDSRBody(nn.Module):
    def __init__(s):
        super().__init__(); s.head = nn.Conv2d(3,64,3,padding=1)
        s.blocks = nn.ModuleList([nn.Sequential(nn.Conv2d(64,64,3,padding=1), nn.ReLU(), nn.Conv2d(64,64,3,padding=1)) for _ in range(16)])
        s.tail = nn.Conv2d(64,3,3,padding=1)
    def forward(s, x):
        h = s.head(x); z = h
        for b in s.blocks: h = h + b(h)
        return s.tail(h + z)
def step_time(model, x, y, lr, n=50):
    opt = torch.optim.Adam(model.parameters(), lr=lr); lossf = nn.L1Loss()
    for _ in range(5):
        opt.zero_grad(); l = lossf(model(x), y); l.backward(); opt.step()
    torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(n):
        opt.zero_grad(); l = lossf(model(x), y); l.backward(); opt.step()
    torch.cuda.synchronize(); return (time.perf_counter() - t) / n * 1000
for tf32 in (False, True):
    torch.backends.cudnn.allow_tf32 = tf32; torch.backends.cuda.matmul.allow_tf32 = tf32
    key = "tf32" if tf32 else "fp32"
    res["srcnn_step_ms_" + key] = step_time(srcnn(), torch.randn(32,1,64,64,device=dev), torch.randn(32,1,64,64,device=dev), 1e-3)
    res["edsr_body_step_ms_" + key] = step_time(EDSRBody().to(dev), torch.randn(32,3,32,32,device=dev), torch.randn(32,3,32,32,device=dev), 1e-4)
print(json.dumps(res))
`;

async function main() {
  await import("@tensorflow/tfjs-backend-cpu"); // the reference backend for small shapes
  const adapterInfo = await startWebgpu();
  let gpuErrors = 0;
  const device = (tf.backend() as unknown as { device: EventTarget }).device;
  device.addEventListener("uncapturederror", (event) => {
    gpuErrors++;
    if (gpuErrors <= 3)
      say(`GPU error: ${String((event as unknown as { error: { message: string } }).error?.message).split("\n")[0]}`);
  });
  say(`# Split-K Conv2DBackpropFilter on ${adapterInfo} (${new Date().toISOString()})`);
  const restoreStock = registerWebgpuConv2DBackpropFilter();
  restoreStock(); // start from the stock kernel; `useSplitK` toggles below
  let restore: (() => void) | undefined;
  const useSplitK = (on: boolean) => {
    if (on && restore === undefined) restore = registerWebgpuConv2DBackpropFilter();
    if (!on && restore !== undefined) {
      restore();
      restore = undefined;
    }
  };

  say("\n## Agreement and kernel time\n");
  say("| case | max rel. err vs stock webgpu | vs cpu backend | stock ms | split-K ms | speed-up |");
  say("| --- | --- | --- | --- | --- | --- |");
  const results: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const x = tf.randomNormal(c.x, 0, 1, "float32", 1) as tf.Tensor4D;
    const dy = tf.randomNormal(dyShape(c), 0, 1, "float32", 2) as tf.Tensor4D;
    // Split-K first, on fresh buffers: had it failed validation, its output could otherwise be a recycled
    // buffer still holding the stock kernel's result.
    useSplitK(true);
    const mine = filterGrad(x, dy, c);
    const mineData = (await mine.data()) as Float32Array;
    const mineMs = await timeKernel(() => filterGrad(x, dy, c), 20);
    useSplitK(false);
    const stock = filterGrad(x, dy, c);
    const stockData = (await stock.data()) as Float32Array;
    const stockMs = await timeKernel(() => filterGrad(x, dy, c), c.cpuCheck ? 20 : 5);
    let cpuErr: number | undefined;
    if (c.cpuCheck) {
      const xs = await x.data();
      const dys = await dy.data();
      await tf.setBackend("cpu");
      const ref = filterGrad(tf.tensor4d(xs, c.x), tf.tensor4d(dys, dyShape(c)), c);
      cpuErr = relErr(mineData, (await ref.data()) as Float32Array);
      await tf.setBackend("webgpu");
    }
    const err = relErr(mineData, stockData);
    results.push({ case: c.name, relErrVsStock: err, relErrVsCpu: cpuErr, stockMs, splitKMs: mineMs });
    say(
      `| ${c.name} | ${err.toExponential(2)} | ${cpuErr === undefined ? "-" : cpuErr.toExponential(2)} | ${stockMs.toFixed(3)} | ${mineMs.toFixed(3)} | ${(stockMs / mineMs).toFixed(1)}x |`,
    );
    tf.dispose([x, dy, stock, mine]);
  }

  say("\n## Training steps (ms per step, trainOnBatch, Adam, L1)\n");
  const steps: Record<string, number> = {};
  for (const splitK of [false, true]) {
    useSplitK(splitK);
    const tag = splitK ? "splitK" : "stock";
    steps[`srcnn_${tag}`] = await timeTrainStep(srcnn, [32, 64, 64, 1], [32, 64, 64, 1], splitK ? 30 : 5);
    steps[`edsr_body_${tag}`] = await timeTrainStep(edsrBody, [32, 32, 32, 3], [32, 32, 32, 3], splitK ? 20 : 3);
  }
  const pt = pytorchTimings(PYTORCH, 300_000, say);
  say("| model | tfjs stock | tfjs split-K | PyTorch fp32 | PyTorch TF32 | split-K / fp32 |");
  say("| --- | --- | --- | --- | --- | --- |");
  for (const m of ["srcnn", "edsr_body"]) {
    const f = Number(pt[`${m}_step_ms_fp32`]);
    const t = Number(pt[`${m}_step_ms_tf32`]);
    const s = steps[`${m}_splitK`] as number;
    say(
      `| ${m} | ${(steps[`${m}_stock`] as number).toFixed(2)} | ${s.toFixed(2)} | ${f.toFixed(2)} | ${t.toFixed(2)} | ${(s / f).toFixed(1)}x |`,
    );
  }

  say("\n## Profile of one SRCNN step with split-K (ms per kernel, summed)\n");
  useSplitK(true);
  try {
    const prof = await profileStep(srcnn, [32, 64, 64, 1], [32, 64, 64, 1]);
    say("| kernel | ms |");
    say("| --- | --- |");
    for (const [name, ms] of prof.slice(0, 12)) say(`| ${name} | ${ms.toFixed(3)} |`);
  } catch (err) {
    say(`profile failed: ${(err as Error).message}`);
  }
  save("conv-backprop-filter", { adapterInfo, results, steps, pytorch: pt });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
