import * as tf from "@tensorflow/tfjs-core";
import type { WebGPUBackend, WebGPUProgram } from "@tensorflow/tfjs-backend-webgpu";
import { WORKGROUP_FLOATS as SHARED_FLOATS, WORKGROUP_THREADS as WORKGROUP } from "./webgpu-limits.js";
import { overrideWebgpuKernels } from "./webgpu-override.js";

/**
 * Conv2DBackpropFilter for tfjs-backend-webgpu as a split-K GEMM.
 *
 * The stock kernel (tfjs-backend-webgpu 4.22, Conv2DDerFilterProgram) gives each filter weight one thread that
 * loops over batch x height x width: for SRCNN at batch 32 of 64² that is 131072 serial multiply-adds per
 * thread on only a few thousand threads, 96% of a training step on an H200. Here the filter gradient is
 *   dW[k, co] = sum_p im2col(x)[p, k] * dy[p, co],   k = (ky, kx, ci), p = (b, oy, ox),
 * computed in register-blocked tiles of (k, co) staged through workgroup memory, with the reduction over p cut
 * into S chunks so that enough workgroups run at once (pass 1 writes S partial sums), then a second pass adds
 * the S partials in a fixed order (deterministic, no float atomics, which WGSL lacks).
 */

export interface SplitKPlan {
  /** Filter rows of the GEMM: fh * fw * ci. */
  readonly k: number;
  readonly co: number;
  /** Reduction length: batch * outHeight * outWidth. */
  readonly p: number;
  /** Tile of (k, co) per workgroup and per-thread register block. */
  readonly tileK: number;
  readonly tileC: number;
  readonly regK: number;
  readonly regC: number;
  /** Reduction positions staged per step through workgroup memory. */
  readonly tileP: number;
  readonly splits: number;
  readonly chunk: number;
}

/** Enough workgroups to fill a large GPU (an H200 has 132 SMs) several times over. */
const TARGET_WORKGROUPS = 1056;
/** Bounds the partial-sum buffer (S * K * CO floats). */
const MAX_PARTIAL_FLOATS = 16 * 1024 * 1024;

function nextPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/** Chooses tiles and the split count from the GEMM's shape (pure; unit-tested on CPU). */
export function planSplitK(k: number, co: number, p: number): SplitKPlan {
  const tileC = Math.min(64, nextPow2(co));
  const regC = Math.min(tileC, 4);
  const threadsC = tileC / regC;
  const threadsK = WORKGROUP / threadsC;
  const regK = k >= threadsK * 4 ? 4 : k >= threadsK * 2 ? 2 : 1;
  const tileK = threadsK * regK;
  let tileP = 32;
  while (tileP > 1 && tileP * (tileK + tileC) > SHARED_FLOATS) tileP /= 2;
  const tiles = Math.ceil(k / tileK) * Math.ceil(co / tileC);
  const maxSplitsByWork = Math.max(1, Math.floor(p / (tileP * 4)));
  const maxSplitsByMemory = Math.max(1, Math.floor(MAX_PARTIAL_FLOATS / (k * co)));
  let splits = Math.max(1, Math.min(Math.ceil(TARGET_WORKGROUPS / tiles), maxSplitsByWork, maxSplitsByMemory, 65535));
  // Chunks are whole multiples of tileP so that only the last chunk has a ragged end.
  const chunk = Math.ceil(Math.ceil(p / splits) / tileP) * tileP;
  splits = Math.ceil(p / chunk);
  return { k, co, p, tileK, tileC, regK, regC, tileP, splits, chunk };
}

interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

class PartialProgram implements WebGPUProgram {
  variableNames = ["x", "dy"];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1], z: [2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  constructor(
    private readonly g: ConvGeometry,
    private readonly plan: SplitKPlan,
  ) {
    this.outputShape = [plan.splits, plan.k, plan.co];
    const tiles = Math.ceil(plan.k / plan.tileK) * Math.ceil(plan.co / plan.tileC);
    this.dispatch = [tiles, plan.splits, 1];
    this.shaderKey = `fieldbenchConv2DBackpropFilterSplitK_${Object.values(g).join("_")}_${Object.values(plan).join("_")}`;
  }

  getUserCode(): string {
    const g = this.g;
    const { k, co, p, tileK, tileC, regK, regC, tileP, chunk } = this.plan;
    const threadsC = tileC / regC;
    const threadsK = tileK / regK;
    const tilesC = Math.ceil(co / tileC);
    return `
      const TK : i32 = ${tileK};
      const TC : i32 = ${tileC};
      const TP : i32 = ${tileP};
      const RK : i32 = ${regK};
      const RC : i32 = ${regC};
      const TKT : i32 = ${threadsK};
      const TCT : i32 = ${threadsC};
      const K : i32 = ${k};
      const CO : i32 = ${co};
      const P : i32 = ${p};
      const CHUNK : i32 = ${chunk};
      const STEPS : i32 = ${chunk / tileP};
      const CI : i32 = ${g.inChannels};
      const FW : i32 = ${g.filterWidth};
      const IH : i32 = ${g.inHeight};
      const IW : i32 = ${g.inWidth};
      const OH : i32 = ${g.outHeight};
      const OW : i32 = ${g.outWidth};
      const SH : i32 = ${g.strideHeight};
      const SW : i32 = ${g.strideWidth};
      const PT : i32 = ${g.padTop};
      const PL : i32 = ${g.padLeft};
      const TILES_C : i32 = ${tilesC};

      var<workgroup> As : array<f32, ${tileP * tileK}>;
      var<workgroup> Bs : array<f32, ${tileP * tileC}>;

      fn main() {
        let tile = i32(workgroupId.x);
        let split = i32(workgroupId.y);
        let k0 = (tile / TILES_C) * TK;
        let c0 = (tile % TILES_C) * TC;
        let tid = i32(localIndex);
        let tc = tid % TCT;
        let tk = tid / TCT;
        let pStart = split * CHUNK;
        let pEnd = min(pStart + CHUNK, P);
        var acc : array<f32, ${regK * regC}>;
        for (var i = 0; i < RK * RC; i = i + 1) { acc[i] = 0.0; }

        // A constant trip count keeps the barriers in uniform control flow (WGSL's uniformity rules);
        // positions past the chunk's end stage zeros.
        for (var step = 0; step < STEPS; step = step + 1) {
          let p0 = pStart + step * TP;
          // Stage im2col(x)[p0 .. p0+TP, k0 .. k0+TK]; consecutive threads read consecutive channels.
          for (var e = tid; e < TP * TK; e = e + ${WORKGROUP}) {
            let pp = e / TK;
            let kk = e % TK;
            let pos = p0 + pp;
            let kr = k0 + kk;
            var v = 0.0;
            if (pos < pEnd && kr < K) {
              let ox = pos % OW;
              let t = pos / OW;
              let oy = t % OH;
              let b = t / OH;
              let ci = kr % CI;
              let t2 = kr / CI;
              let kx = t2 % FW;
              let ky = t2 / FW;
              let iy = oy * SH - PT + ky;
              let ix = ox * SW - PL + kx;
              if (iy >= 0 && iy < IH && ix >= 0 && ix < IW) {
                v = x[((b * IH + iy) * IW + ix) * CI + ci];
              }
            }
            As[e] = v;
          }
          // Stage dy[p0 .. p0+TP, c0 .. c0+TC].
          for (var e = tid; e < TP * TC; e = e + ${WORKGROUP}) {
            let pp = e / TC;
            let cc = e % TC;
            let pos = p0 + pp;
            let c = c0 + cc;
            var v = 0.0;
            if (pos < pEnd && c < CO) {
              v = dy[pos * CO + c];
            }
            Bs[e] = v;
          }
          workgroupBarrier();
          for (var pp = 0; pp < TP; pp = pp + 1) {
            var a : array<f32, ${regK}>;
            var bv : array<f32, ${regC}>;
            for (var i = 0; i < RK; i = i + 1) { a[i] = As[pp * TK + tk + i * TKT]; }
            for (var j = 0; j < RC; j = j + 1) { bv[j] = Bs[pp * TC + tc + j * TCT]; }
            for (var i = 0; i < RK; i = i + 1) {
              for (var j = 0; j < RC; j = j + 1) {
                acc[i * RC + j] = fma(a[i], bv[j], acc[i * RC + j]);
              }
            }
          }
          workgroupBarrier();
        }

        for (var i = 0; i < RK; i = i + 1) {
          let kr = k0 + tk + i * TKT;
          for (var j = 0; j < RC; j = j + 1) {
            let c = c0 + tc + j * TCT;
            // uniforms.outShape is [S, K, CO]; reading it keeps the uniform binding in the 'auto' pipeline layout
            // that tfjs-webgpu always binds (a shader that never touches it fails bind-group validation).
            if (kr < uniforms.outShape.y && c < CO) {
              result[(split * K + kr) * CO + c] = acc[i * RC + j];
            }
          }
        }
      }
    `;
  }
}

class ReduceSplitsProgram implements WebGPUProgram {
  variableNames = ["partial"];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(
    filterShape: number[],
    private readonly splits: number,
  ) {
    this.outputShape = filterShape;
    this.dispatchLayout = { x: filterShape.map((_, i) => i) };
    const n = filterShape.reduce((a, b) => a * b, 1);
    this.dispatch = [Math.ceil(n / 64), 1, 1];
    this.shaderKey = `fieldbenchReduceSplits_${splits}_${n}`;
  }

  getUserCode(): string {
    const n = this.outputShape.reduce((a, b) => a * b, 1);
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var s = 0.0;
          for (var i = 0; i < ${this.splits}; i = i + 1) {
            s = s + partial[i * ${n} + index];
          }
          setOutputAtIndex(index, s);
        }
      }
    `;
  }
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function splitKKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { inputs, attrs } = args;
    const backend = args.backend as unknown as WebGPUBackend;
    const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
      strides: [number, number] | number;
      pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
      dataFormat: "NHWC" | "NCHW";
      dimRoundingMode?: "floor" | "round" | "ceil";
      filterShape: [number, number, number, number];
    };
    if (dataFormat === "NCHW" || x.dtype !== "float32") return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const geometry: ConvGeometry = {
      batch: info.batchSize,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      inChannels: info.inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      outChannels: info.outChannels,
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
    };
    const plan = planSplitK(
      info.filterHeight * info.filterWidth * info.inChannels,
      info.outChannels,
      info.batchSize * info.outHeight * info.outWidth,
    );
    const partial = backend.runWebGPUProgram(new PartialProgram(geometry, plan), [x, dy], "float32");
    const out = backend.runWebGPUProgram(new ReduceSplitsProgram([...filterShape], plan.splits), [partial], "float32");
    backend.disposeData(partial.dataId);
    return out;
  };
}

/**
 * Replaces the webgpu backend's Conv2DBackpropFilter with the split-K kernel. Model code does not change.
 * Returns a function that restores the stock kernel (for A/B measurements and tests).
 */
export function registerWebgpuConv2DBackpropFilter(): () => void {
  return overrideWebgpuKernels({ Conv2DBackpropFilter: splitKKernel });
}
