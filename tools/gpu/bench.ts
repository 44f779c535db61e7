/**
 * GPU job `bench` (bundled by `npm run bench:gpu`): the GPU-machine benchmark of the WebGPU speed issue. For SRCNN, the subpixel CNN and EDSR
 * (fieldbench's TF.js nets at x8, 3 channels) it times a training step (batch 32 of 128² HR crops, Adam, L1) with
 * tfjs-webgpu's stock filter gradient and with fieldbench's split-K kernel, and 2048² inference (LR 256², tiled
 * as the suite runs it), next to PyTorch fp32 (and TF32) on the same card in the same run. With split-K the
 * step is timed three ways, to show how much of it is host work: tfjs-layers' `trainOnBatch` (standardises its
 * inputs and reads the loss back every step), fieldbench's lean step (`createTrainStep`, the loss read once per
 * block of steps), the lean step with a loss readback every step; next to the sum of the step's GPU kernel
 * times (tf.profile, Dawn timestamp queries). Wall time well above the kernel sum means the host bounds it.
 *   node .device/app/app.mjs job bench OUT_DIR
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { registerWebgpuConv2DBackpropFilter } from "../../packages/models/src/backends/webgpu-conv2d-backprop-filter.js";
import { registerWebgpuConvGemm } from "../../packages/models/src/backends/webgpu-conv2d-gemm.js";
import { NETS, type NetName } from "../../packages/models/src/nets/nets.js";
import { flatAdam } from "../../packages/models/src/flat-adam.js";
import { createTrainStep } from "../../packages/models/src/train-step.js";
import { tilesPerPass } from "../../packages/models/src/tfjs-model.js";
import { startWebgpu } from "../../packages/models/src/backends/select.js";
import { jobReport, pytorchTimings } from "./report.js";

const { say, save } = jobReport("bench-out");

const MODELS: NetName[] = ["srcnn", "subpixel", "edsr"];
/** Inference is also timed for WDSR and FNO (no PyTorch twin here: the issue asks for SRCNN and EDSR's). */
const INFER_MODELS: NetName[] = [...MODELS, "wdsr", "fno"];
const SCALE = 8;

async function sync(t: tf.Tensor): Promise<void> {
  await t.data();
}

type StepPath = "trainOnBatch" | "lean" | "lean+read" | "lean+flatAdam" | "lean+flatAdam+mm";

/** Runs `measure` with fieldbench's implicit-GEMM Conv2D / FusedConv2D / Conv2DBackpropInput registered. */
async function withGemm<T>(measure: () => Promise<T>): Promise<T> {
  const restore = registerWebgpuConvGemm();
  try {
    return await measure();
  } finally {
    restore();
  }
}

/** A training-step setup: the net at x8 on 3 channels, or SRCNN as in the split-K report (1 channel, 32 x 64²). */
interface StepSetup {
  readonly key: string;
  readonly net: NetName;
  readonly channels: number;
  readonly hr: number;
}
const STEP_SETUPS: StepSetup[] = [
  ...MODELS.map((net) => ({ key: net, net, channels: 3, hr: 128 })),
  { key: "srcnn_1ch_64", net: "srcnn", channels: 1, hr: 64 },
];

function stepInputs({ net, channels, hr }: StepSetup) {
  const spec = NETS[net];
  const model = spec.build({ channels, scale: SCALE });
  const lr = spec.info.preUpsampled ? hr : hr / SCALE;
  return { spec, model, x: tf.randomNormal([32, lr, lr, channels]), y: tf.randomNormal([32, hr, hr, channels]) };
}

/** ms per training step (mean over `steps` after 3 warm-up steps); every path syncs on the last step's loss. */
async function trainStepMs(setup: StepSetup, steps: number, path: StepPath): Promise<number> {
  const { spec, model, x, y } = stepInputs(setup);
  const optimizer = path.includes("flatAdam") ? flatAdam(1e-4) : tf.train.adam(1e-4);
  // tfjs-webgpu's tiled Conv2DBackpropInput (fieldbench's default since this bench) instead of tfjs's naive default.
  tf.env().set("WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE", path !== "lean+flatAdam+mm");
  let step: (read: boolean) => Promise<void>;
  if (path === "trainOnBatch") {
    model.compile({ optimizer, loss: spec.info.loss });
    step = async () => {
      await model.trainOnBatch(x, y);
    };
  } else {
    const lean = createTrainStep(model, optimizer, spec.info.loss);
    step = async (read) => {
      const loss = lean(x, y);
      if (read || path === "lean+read") await sync(loss);
      loss.dispose();
    };
  }
  for (let i = 0; i < 3; i++) await step(true);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step(i === steps - 1);
  const ms = (performance.now() - t0) / steps;
  tf.env().set("WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE", true);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return ms;
}

type KernelTimes = Record<string, { ms: number; calls: number }>;

/** Per-kernel-name GPU time (ms, tf.profile with Dawn timestamps) of one lean step or one inference field. */
const profiles: Record<string, KernelTimes> = {};

type ProfiledKernel = Awaited<ReturnType<typeof tf.profile>>["kernels"][number];

/** A kernel's GPU time from tf.profile; NaN where the adapter gives no timestamps. */
const kernelMs = (k: ProfiledKernel): number => (typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : Number.NaN);

/** Sums tf.profile's kernel times by kernel name. */
function kernelTimesByName(kernels: readonly ProfiledKernel[]): KernelTimes {
  const byName: KernelTimes = {};
  for (const k of kernels) {
    const entry = (byName[k.name] ??= { ms: 0, calls: 0 });
    entry.ms += kernelMs(k);
    entry.calls += 1;
  }
  return byName;
}

/** Sum of the GPU kernel times of one lean step (tf.profile; NaN when the adapter gives no timestamps). */
async function leanKernelMs(setup: StepSetup, path: "lean" | "lean+flatAdam+mm" = "lean", label = ""): Promise<number> {
  const { spec, model, x, y } = stepInputs(setup);
  const best = path === "lean+flatAdam+mm";
  const optimizer = best ? flatAdam(1e-4) : tf.train.adam(1e-4);
  tf.env().set("WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE", !best);
  const lean = createTrainStep(model, optimizer, spec.info.loss);
  const run = async () => {
    const loss = lean(x, y);
    await sync(loss);
    loss.dispose();
  };
  for (let i = 0; i < 2; i++) await run();
  const { kernels } = await tf.profile(run);
  const byName = kernelTimesByName(kernels);
  const total = kernels.reduce((sum, k) => sum + kernelMs(k), 0);
  profiles[best ? `${setup.key} (FlatAdam + tiled backprop-input${label})` : setup.key] = byName;
  tf.env().set("WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE", true);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return total;
}

/**
 * 2048² output from a 256² LR field, as the suite runs TF.js nets: 16 LR tiles of 64 (HR 512), in passes of at
 * most MAX_HR_PIXELS_PER_PASS HR pixels (2 tiles); one pass over all 16 exceeds WebGPU's dispatch limits for
 * the nets that convolve at HR.
 */
async function inferenceMs(name: NetName, profileAs?: string): Promise<number> {
  const net = NETS[name];
  const model: tfl.LayersModel = net.build({ channels: 3, scale: SCALE });
  const tile = net.info.preUpsampled ? 512 : 64;
  const per = tilesPerPass(512 * 512);
  const batch = tf.randomNormal([per, tile, tile, 3]);
  const field = async () => {
    let last: tf.Tensor | undefined;
    for (let done = 0; done < 16; done += per) {
      last?.dispose();
      last = model.predict(batch) as tf.Tensor;
    }
    await sync(last as tf.Tensor);
    last?.dispose();
  };
  await field();
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await field();
    times.push(performance.now() - t0);
  }
  // One whole field under tf.profile: the GPU's share of the wall time above, per kernel.
  if (profileAs !== undefined) profiles[profileAs] = kernelTimesByName((await tf.profile(field)).kernels);
  batch.dispose();
  model.dispose();
  return times.sort((a, b) => a - b)[1] as number;
}

/** Runs one measurement; a failure is reported and recorded as NaN instead of ending the benchmark. */
async function attempt(label: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    say(`${label} failed: ${(err as Error).message}`);
    return Number.NaN;
  }
}

const PYTORCH = String.raw`
import json, time, torch, torch.nn as nn
dev = "cuda"; S = 8
def srcnn(): return nn.Sequential(nn.Conv2d(3,64,9,padding=4), nn.ReLU(), nn.Conv2d(64,32,5,padding=2), nn.ReLU(), nn.Conv2d(32,3,5,padding=2))
def subpixel(): return nn.Sequential(nn.Conv2d(3,128,5,padding=2), nn.ReLU(), nn.Conv2d(128,128,3,padding=1), nn.ReLU(), nn.Conv2d(128,64,3,padding=1), nn.ReLU(), nn.Conv2d(64,3*S*S,3,padding=1), nn.PixelShuffle(S))
class Res(nn.Module):
    def __init__(s): super().__init__(); s.b = nn.Sequential(nn.Conv2d(64,64,3,padding=1), nn.ReLU(), nn.Conv2d(64,64,3,padding=1))
    def forward(s, x): return x + 0.1 * s.b(x)
class EDSR(nn.Module):
    def __init__(s):
        super().__init__(); s.head = nn.Conv2d(3,64,3,padding=1); s.body = nn.Sequential(*[Res() for _ in range(16)], nn.Conv2d(64,64,3,padding=1))
        s.up = nn.Sequential(*[m for _ in range(3) for m in (nn.Conv2d(64,256,3,padding=1), nn.PixelShuffle(2))]); s.tail = nn.Conv2d(64,3,3,padding=1)
    def forward(s, x): h = s.head(x); return s.tail(s.up(s.body(h) + h))
BUILD = {"srcnn": (srcnn, 128, 512), "subpixel": (subpixel, 16, 64), "edsr": (EDSR, 16, 64)}
res = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0)}
for tf32 in (False, True):
    torch.backends.cudnn.allow_tf32 = tf32; torch.backends.cuda.matmul.allow_tf32 = tf32; key = "tf32" if tf32 else "fp32"
    for name, (build, lr, tile) in BUILD.items():
        m = build().to(dev); opt = torch.optim.Adam(m.parameters(), lr=1e-4); loss = nn.L1Loss()
        x = torch.randn(32,3,lr,lr,device=dev); y = torch.randn(32,3,128,128,device=dev)
        for _ in range(5): opt.zero_grad(); loss(m(x), y).backward(); opt.step()
        torch.cuda.synchronize(); t = time.perf_counter()
        for _ in range(30): opt.zero_grad(); loss(m(x), y).backward(); opt.step()
        torch.cuda.synchronize(); res[f"{name}_train_ms_{key}"] = (time.perf_counter() - t) / 30 * 1000
        with torch.no_grad():
            xb = torch.randn(16,3,tile,tile,device=dev); m(xb); torch.cuda.synchronize(); ts = []
            for _ in range(3):
                t = time.perf_counter(); m(xb); torch.cuda.synchronize(); ts.append((time.perf_counter() - t) * 1000)
            res[f"{name}_infer_ms_{key}"] = sorted(ts)[1]
print(json.dumps(res))
`;

async function main(): Promise<void> {
  const adapterInfo = await startWebgpu();
  say(`# bench:gpu on ${adapterInfo}, ${new Date().toISOString()}`);
  const ours: Record<string, number> = {};
  // Stock kernels, lean step (trainOnBatch at batch 32 x 128² x 3 hits a dispatch limit in tfjs-layers' loss path).
  for (const setup of STEP_SETUPS)
    ours[`${setup.key}_train_stock`] = await attempt(`${setup.key} stock`, () => trainStepMs(setup, 3, "lean"));
  registerWebgpuConv2DBackpropFilter();
  for (const setup of STEP_SETUPS) {
    const { key } = setup;
    ours[`${key}_train`] = await attempt(`${key} trainOnBatch`, () => trainStepMs(setup, 10, "trainOnBatch"));
    ours[`${key}_train_lean`] = await attempt(`${key} lean`, () => trainStepMs(setup, 10, "lean"));
    ours[`${key}_train_lean_read`] = await attempt(`${key} lean+read`, () => trainStepMs(setup, 10, "lean+read"));
    ours[`${key}_train_lean_flat`] = await attempt(`${key} lean+flatAdam`, () =>
      trainStepMs(setup, 10, "lean+flatAdam"),
    );
    ours[`${key}_train_lean_flat_mm`] = await attempt(`${key} lean+flatAdam+mm`, () =>
      trainStepMs(setup, 10, "lean+flatAdam+mm"),
    );
    ours[`${key}_train_gemm`] = await attempt(`${key} lean+flatAdam+gemm`, () =>
      withGemm(() => trainStepMs(setup, 10, "lean+flatAdam+mm")),
    );
    ours[`${key}_train_kernels_gemm`] = await attempt(`${key} profile gemm`, () =>
      withGemm(() => leanKernelMs(setup, "lean+flatAdam+mm", " + GEMM conv")),
    );
    ours[`${key}_train_kernels`] = await attempt(`${key} profile`, () => leanKernelMs(setup));
    ours[`${key}_train_kernels_flat_mm`] = await attempt(`${key} profile flat+mm`, () =>
      leanKernelMs(setup, "lean+flatAdam+mm"),
    );
  }
  for (const name of INFER_MODELS) {
    ours[`${name}_infer`] = await attempt(`${name} inference`, () => inferenceMs(name));
    ours[`${name}_infer_gemm`] = await attempt(`${name} inference gemm`, () =>
      withGemm(() => inferenceMs(name, `${name} inference, 2048² field (GEMM conv)`)),
    );
  }
  const pt = pytorchTimings(PYTORCH, 240_000, say);
  const ms = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? "-" : v.toFixed(digits));
  say("\n## Training step (ms, Adam, L1; split-K filter gradient except the first column)");
  say(
    "Batch 32 of 128² HR at x8 on 3 channels; srcnn_1ch_64 is the split-K report's SRCNN (1 channel, 32 x 64²; " +
      "PyTorch has no such row). Host overhead = lean step - GPU kernel sum.",
  );
  say(
    "| setup | lean step, stock kernels | trainOnBatch | lean step | lean + loss read each step | lean + FlatAdam | + tiled backprop-input | GPU kernel sum (lean) | host overhead (lean) | GPU kernel sum (FlatAdam + tiled) | PyTorch fp32 | PyTorch TF32 | lean / trainOnBatch | lean / fp32 | best / fp32 |",
  );
  say("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const { key } of STEP_SETUPS) {
    const f = Number(pt[`${key}_train_ms_fp32`]);
    const t = Number(pt[`${key}_train_ms_tf32`]);
    const tob = ours[`${key}_train`] as number;
    const lean = ours[`${key}_train_lean`] as number;
    const kernels = ours[`${key}_train_kernels`] as number;
    const flat = ours[`${key}_train_lean_flat`] as number;
    const flatMm = ours[`${key}_train_lean_flat_mm`] as number;
    say(
      `| ${key} | ${ms(ours[`${key}_train_stock`])} | ${ms(tob)} | ${ms(lean)} | ${ms(ours[`${key}_train_lean_read`])} | ` +
        `${ms(flat)} | ${ms(flatMm)} | ${ms(kernels, 2)} | ${ms(lean - kernels)} | ${ms(ours[`${key}_train_kernels_flat_mm`], 2)} | ${ms(f, 2)} | ${ms(t, 2)} | ` +
        `${(lean / tob).toFixed(2)} | ${Number.isNaN(f) ? "-" : `${(lean / f).toFixed(1)}x`} | ` +
        `${Number.isNaN(f) ? "-" : `${(Math.min(...[lean, flat, flatMm].filter((v) => !Number.isNaN(v))) / f).toFixed(1)}x`} |`,
    );
  }
  say("\n## fieldbench's implicit-GEMM Conv2D / FusedConv2D / backprop-input (with split-K and FlatAdam)");
  say("| setup | FlatAdam + tiled backprop-input | + GEMM conv | GPU kernel sum, GEMM | PyTorch fp32 | GEMM / fp32 |");
  say("| --- | --- | --- | --- | --- | --- |");
  for (const { key } of STEP_SETUPS) {
    const f = Number(pt[`${key}_train_ms_fp32`]);
    const gemm = ours[`${key}_train_gemm`] as number;
    say(
      `| ${key} | ${ms(ours[`${key}_train_lean_flat_mm`])} | ${ms(gemm)} | ${ms(ours[`${key}_train_kernels_gemm`], 2)} | ${ms(f, 2)} | ${Number.isNaN(f) ? "-" : `${(gemm / f).toFixed(1)}x`} |`,
    );
  }
  say("\n## 2048² inference (16 tiles, split-K registered; it changes no forward kernel)");
  say("| model | tfjs webgpu | fieldbench GEMM conv | PyTorch fp32 | PyTorch TF32 | best / fp32 |");
  say("| --- | --- | --- | --- | --- | --- |");
  for (const name of INFER_MODELS) {
    const fi = Number(pt[`${name}_infer_ms_fp32`]);
    const oi = ours[`${name}_infer`] as number;
    const og = ours[`${name}_infer_gemm`] as number;
    const best = Math.min(...[oi, og].filter((v) => !Number.isNaN(v)));
    say(
      `| ${name} | ${ms(oi)} | ${ms(og)} | ${ms(fi, 2)} | ${ms(Number(pt[`${name}_infer_ms_tf32`]), 2)} | ${Number.isNaN(fi) ? "-" : `${(best / fi).toFixed(1)}x`} |`,
    );
  }
  say("\n## Where a lean step's GPU time goes (split-K; tf.profile, Dawn timestamp queries; top kernels by time)");
  for (const [key, byName] of Object.entries(profiles)) {
    const rows = Object.entries(byName).sort((a, b) => b[1].ms - a[1].ms);
    const total = rows.reduce((sum, [, v]) => sum + v.ms, 0);
    say(`\n${key}: ${ms(total, 2)} ms in ${rows.reduce((n, [, v]) => n + v.calls, 0)} kernel launches`);
    say("| kernel | calls | ms | share |");
    say("| --- | --- | --- | --- |");
    for (const [name, v] of rows.slice(0, 10))
      say(`| ${name} | ${v.calls} | ${ms(v.ms, 3)} | ${((100 * v.ms) / total).toFixed(1)}% |`);
  }
  save("bench-gpu", { adapterInfo, ours, pytorch: pt, profiles });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
