/**
 * `npm run bench:gpu`: the GPU-machine benchmark of the WebGPU speed issue. For SRCNN, the subpixel CNN and EDSR
 * (fieldbench's TF.js nets at x8, 3 channels) it times a training step (batch 32 of 128² HR crops, Adam, L1) with
 * tfjs-webgpu's stock filter gradient and with fieldbench's split-K kernel, and 2048² inference (LR 256², tiled
 * as the suite runs it), next to PyTorch fp32 (and TF32) on the same card in the same run.
 *   node .device/app.mjs OUT_DIR
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { registerWebgpuConv2DBackpropFilter } from "../backends/webgpu-conv2d-backprop-filter.js";
import { NETS, type NetName } from "../nets/nets.js";
import { useWebgpuBackend } from "./webgpu-setup.js";

const out = process.argv[2] ?? "bench-out";
mkdirSync(out, { recursive: true });
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};

const MODELS: NetName[] = ["srcnn", "subpixel", "edsr"];
const SCALE = 8;

async function sync(t: tf.Tensor): Promise<void> {
  await t.data();
}

async function trainStepMs(name: NetName, steps: number): Promise<number> {
  const net = NETS[name];
  const model = net.build({ channels: 3, scale: SCALE });
  model.compile({ optimizer: tf.train.adam(1e-4), loss: net.info.loss });
  const lr = net.info.preUpsampled ? 128 : 128 / SCALE;
  const x = tf.randomNormal([32, lr, lr, 3]);
  const y = tf.randomNormal([32, 128, 128, 3]);
  for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const ms = (performance.now() - t0) / steps;
  tf.dispose([x, y]);
  model.dispose();
  return ms;
}

/** 2048² output from a 256² LR field, in LR tiles of 64 (HR 512) as the suite runs TF.js nets. */
async function inferenceMs(name: NetName): Promise<number> {
  const net = NETS[name];
  const model: tfl.LayersModel = net.build({ channels: 3, scale: SCALE });
  const tile = net.info.preUpsampled ? 512 : 64;
  const batch = tf.randomNormal([16, tile, tile, 3]);
  await sync(model.predict(batch) as tf.Tensor);
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const y = model.predict(batch) as tf.Tensor;
    await sync(y);
    y.dispose();
    times.push(performance.now() - t0);
  }
  batch.dispose();
  model.dispose();
  return times.sort((a, b) => a - b)[1] as number;
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
  const { adapterInfo } = await useWebgpuBackend();
  say(`# bench:gpu on ${adapterInfo}, ${new Date().toISOString()}`);
  const ours: Record<string, number> = {};
  for (const name of MODELS) ours[`${name}_train_stock`] = await trainStepMs(name, 3);
  registerWebgpuConv2DBackpropFilter();
  for (const name of MODELS) {
    ours[`${name}_train`] = await trainStepMs(name, 10);
    ours[`${name}_infer`] = await inferenceMs(name);
  }
  const torch = spawnSync("python3", ["-c", PYTORCH], { encoding: "utf8", timeout: 240_000 });
  let pt: Record<string, number | string> = {};
  try {
    pt = JSON.parse(torch.stdout.trim().split("\n").pop() ?? "{}");
  } catch {
    say(`PyTorch failed: ${torch.stderr.slice(-400)}`);
  }
  say("\n| model | what | tfjs stock | tfjs + split-K | PyTorch fp32 | PyTorch TF32 | ours / fp32 |");
  say("| --- | --- | --- | --- | --- | --- | --- |");
  for (const name of MODELS) {
    const f = Number(pt[`${name}_train_ms_fp32`]);
    const t = Number(pt[`${name}_train_ms_tf32`]);
    const o = ours[`${name}_train`] as number;
    say(
      `| ${name} | train step, 32 x 128² | ${(ours[`${name}_train_stock`] as number).toFixed(1)} | ${o.toFixed(1)} | ${f.toFixed(2)} | ${t.toFixed(2)} | ${(o / f).toFixed(1)}x |`,
    );
    const fi = Number(pt[`${name}_infer_ms_fp32`]);
    const ti = Number(pt[`${name}_infer_ms_tf32`]);
    const oi = ours[`${name}_infer`] as number;
    say(
      `| ${name} | 2048² inference (16 tiles) | - | ${oi.toFixed(1)} | ${fi.toFixed(2)} | ${ti.toFixed(2)} | ${(oi / fi).toFixed(1)}x |`,
    );
  }
  writeFileSync(join(out, "bench-gpu.json"), JSON.stringify({ adapterInfo, ours, pytorch: pt }, null, 2));
  writeFileSync(join(out, "bench-gpu.md"), `${lines.join("\n")}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
