/**
 * GPU job `sweep`: the GPU-machine sweep of the implicit-GEMM conv kernel's tile shapes (webgpu-conv2d-gemm.ts) on the convolutions that
 * dominate the baselines: for each shape, tfjs-webgpu's stock kernel, the shape planConvGemm picks, and every shape
 * that fits, timed by wall clock (20 calls, one sync) and by Dawn's timestamps (tf.profile), each checked against the
 * stock kernel's output. Prints a table and writes gemm-sweep.json / gemm-sweep.md to OUT_DIR.
 *   node .device/app/app.mjs job sweep OUT_DIR
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  type GemmPlan,
  gemmPlan,
  overrideGemmPlan,
  planConvGemm,
  planFits,
  registerWebgpuConvGemm,
} from "../../packages/models/src/backends/webgpu-conv2d-gemm.js";
import { maxRelativeError } from "../../packages/models/src/backends/kernel-check.js";
import { startWebgpu } from "../../packages/models/src/backends/select.js";
import { jobReport } from "./report.js";

interface Shape {
  readonly name: string;
  readonly mode: "forward" | "backpropInput";
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
}

/** Inference passes are 2 tiles of 512² HR (SRCNN) or 64² LR (EDSR); training is batch 32 of 128² HR at x8. */
const SHAPES: Shape[] = [
  { name: "SRCNN 9x9 3->64, inference pass", mode: "forward", x: [2, 512, 512, 3], filter: [9, 9, 3, 64] },
  { name: "SRCNN 5x5 64->32, inference pass", mode: "forward", x: [2, 512, 512, 64], filter: [5, 5, 64, 32] },
  { name: "EDSR body 3x3 64->64, batch 32 of 16²", mode: "forward", x: [32, 16, 16, 64], filter: [3, 3, 64, 64] },
  {
    name: "EDSR upsampling 3x3 64->256 at 256², inference pass",
    mode: "forward",
    x: [2, 256, 256, 64],
    filter: [3, 3, 64, 256],
  },
  {
    name: "EDSR upsampling 3x3 64->256 at 64², training",
    mode: "forward",
    x: [32, 64, 64, 64],
    filter: [3, 3, 64, 256],
  },
  { name: "EDSR body dx, batch 32 of 16²", mode: "backpropInput", x: [32, 16, 16, 64], filter: [3, 3, 64, 64] },
  {
    name: "SRCNN 5x5 dx of 64 from 32, training",
    mode: "backpropInput",
    x: [32, 128, 128, 64],
    filter: [5, 5, 64, 32],
  },
];

function candidatePlans(m: number, n: number, k: number): GemmPlan[] {
  const plans: GemmPlan[] = [];
  for (const tileN of [32, 64, 128])
    for (const regN of [4, 8])
      for (const regM of [4, 8])
        for (const tileK of [4, 8, 16]) {
          if (tileN > 2 * Math.max(32, n)) continue;
          const p = gemmPlan(m, n, k, { tileN, regN, regM, tileK });
          if (planFits(p) && p.tileM <= 256) plans.push(p);
        }
  return plans;
}

const label = (p: GemmPlan) => `N${p.tileN}/${p.regN} M${p.tileM}/${p.regM} K${p.tileK}`;

async function main(): Promise<void> {
  const { say, save } = jobReport("sweep-out");
  const adapterInfo = await startWebgpu();
  // The reference is what fieldbench ran before the GEMM: tfjs's tiled backprop-input, not its naive default.
  tf.env().set("WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE", false);
  say(`# GEMM tile sweep on ${adapterInfo}, ${new Date().toISOString()}\n`);
  const rows: Record<string, unknown>[] = [];
  // SWEEP_QUICK=1: every shape at batch 1 and 16² (a smoke run of the code path, e.g. on lavapipe).
  const quick = process.env.SWEEP_QUICK === "1";
  for (const full of SHAPES) {
    const shape: Shape = quick ? { ...full, x: [1, 16, 16, full.x[3]] } : full;
    const [b, h, w, ci] = shape.x;
    const [fh, fw, , co] = shape.filter;
    const x = tf.randomNormal(shape.x, 0, 1, "float32", 1) as tf.Tensor4D;
    const filter = tf.randomNormal(shape.filter, 0, 0.05, "float32", 2) as tf.Tensor4D;
    const bias = tf.randomNormal([co], 0, 1, "float32", 3) as tf.Tensor1D;
    const dy = tf.randomNormal([b, h, w, co], 0, 1, "float32", 4) as tf.Tensor4D;
    const op = () =>
      shape.mode === "forward"
        ? tf.fused.conv2d({ x, filter, bias, strides: 1, pad: "same", activation: "relu" })
        : (tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, {
            strides: [1, 1],
            pad: "same",
            dataFormat: "NHWC",
            inputShape: shape.x,
          } as unknown as tf.NamedAttrMap) as tf.Tensor);
    const m = b * h * w;
    const n = shape.mode === "forward" ? co : ci;
    const k = fh * fw * (shape.mode === "forward" ? ci : co);
    const time = async () => {
      for (let i = 0; i < 3; i++) {
        const warm = op();
        await warm.data();
        warm.dispose();
      }
      const t0 = performance.now();
      let last: tf.Tensor | undefined;
      for (let i = 0; i < 20; i++) {
        last?.dispose();
        last = op();
      }
      await (last as tf.Tensor).data();
      const wall = (performance.now() - t0) / 20;
      last?.dispose();
      let gpu = 0;
      for (let i = 0; i < 10; i++) {
        const info = await tf.profile(() => {
          const r = op();
          r.dispose();
        });
        gpu += info.kernels.reduce((s, kk) => s + (typeof kk.kernelTimeMs === "number" ? kk.kernelTimeMs : 0), 0);
      }
      return { wall, gpu: gpu / 10 };
    };
    const reference = (await op().data()) as Float32Array;
    const stock = await time();
    const restore = registerWebgpuConvGemm();
    const results: { plan: string; wall: number; gpu: number; err: number; chosen: boolean }[] = [];
    const chosen = label(planConvGemm(m, n, k));
    for (const plan of candidatePlans(m, n, k)) {
      overrideGemmPlan(() => plan);
      try {
        const y = op();
        const data = (await y.data()) as Float32Array;
        y.dispose();
        const t = await time();
        results.push({
          plan: label(plan),
          ...t,
          err: maxRelativeError(data, reference),
          chosen: label(plan) === chosen,
        });
      } catch (err) {
        say(`${shape.name} ${label(plan)} failed: ${(err as Error).message}`);
      }
    }
    overrideGemmPlan(undefined);
    restore();
    tf.dispose([x, filter, bias, dy]);
    results.sort((p, q) => p.gpu - q.gpu);
    const flops = 2 * m * n * k;
    const current = results.find((r) => r.chosen);
    say(`\n## ${shape.name} (M ${m}, N ${n}, K ${k}; ${(flops / 1e9).toFixed(1)} GFLOP)`);
    say(
      `stock: wall ${stock.wall.toFixed(3)} ms, GPU ${stock.gpu.toFixed(3)} ms (${(flops / stock.gpu / 1e9).toFixed(1)} TFLOP/s)`,
    );
    say("| plan | wall ms | GPU ms | TFLOP/s (GPU) | max rel. diff vs stock | planConvGemm's |");
    say("| --- | --- | --- | --- | --- | --- |");
    for (const r of results.slice(0, 6).concat(current && !results.slice(0, 6).includes(current) ? [current] : []))
      say(
        `| ${r.plan} | ${r.wall.toFixed(3)} | ${r.gpu.toFixed(3)} | ${(flops / r.gpu / 1e9).toFixed(1)} | ${r.err.toExponential(1)} | ${r.chosen ? "yes" : ""} |`,
      );
    rows.push({ shape, m, n, k, stock, results });
  }
  save("gemm-sweep", { adapterInfo, rows });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
