import * as tf from "@tensorflow/tfjs-core";
import type { WebGPUBackend, WebGPUProgram } from "@tensorflow/tfjs-backend-webgpu";
import { WORKGROUP_FLOATS as SHARED_FLOATS, WORKGROUP_THREADS as WORKGROUP } from "./webgpu-limits.js";
import { overrideWebgpuKernels } from "./webgpu-override.js";

/**
 * Conv2D, FusedConv2D (bias + linear/relu) and stride-1 Conv2DBackpropInput for tfjs-backend-webgpu as one
 * register-blocked implicit GEMM.
 *
 * After the split-K filter gradient and FlatAdam, an EDSR step on the H200 was bound by tfjs-webgpu's conv kernels at
 * 5-7 TFLOP/s (reports/bench-gpu-2026-11-29-flatadam.md); its tiled matmul conv gives each thread 4x4 outputs. Here
 *   C[m, n] = sum_k A[m, k] * B[k, n],   m = (b, oy, ox),   k = (ky, kx, c),
 * with A gathered from the NHWC source on the fly (im2col without the buffer) and each thread holding a 4x4 to 8x8
 * block of C in registers, read from workgroup memory as vec4s:
 * - forward: source x, B = the filter as [fh*fw*ci, co], n = co;
 * - backprop input (stride 1): source dy, padded by (fh - 1 - pad), B = the filter flipped in space with ci and co
 *   swapped, n = ci; dx[b, iy, ix, ci] = sum dy[b, iy + pt - ky, ix + pl - kx, co] * W[ky, kx, ci, co].
 * Shapes it does not cover (NCHW, dilation, n < 32, strided backprop input, prelu/elu...) go to the stock kernel.
 */

export interface GemmPlan {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Workgroup tile of C, the per-thread register block and the threads along n (256 / threadsN along m). */
  readonly tileM: number;
  readonly tileN: number;
  readonly regM: number;
  readonly regN: number;
  readonly threadsN: number;
  /** Reduction depth staged per step through workgroup memory. */
  readonly tileK: number;
}

/** Row padding of the staged A tile: keeps vec4 alignment and spreads the k-major writes over banks. */
const PAD_M = 4;
/** Below this many workgroups an H200 (132 SMs) idles; smaller M tiles are tried first. */
const MIN_WORKGROUPS = 264;

/** Smallest output width the GEMM takes; narrower convs (SRCNN's last, 3 channels) keep the stock kernel. */
export const MIN_GEMM_N = 32;
/** Smallest source channel count of a forward conv the GEMM takes. */
export const MIN_GEMM_SOURCE_CHANNELS = 8;

/** The tile shape fixed by its free parameters (threads and the tile edges follow from them). */
export function gemmPlan(
  m: number,
  n: number,
  k: number,
  { tileN, regN, regM, tileK }: { tileN: number; regN: number; regM: number; tileK: number },
): GemmPlan {
  const threadsN = tileN / regN;
  return { m, n, k, tileM: (WORKGROUP / threadsN) * regM, tileN, regM, regN, threadsN, tileK };
}

/** True when the plan's staged tiles fit WebGPU's guaranteed workgroup memory and its blocks are vec4-aligned. */
export function planFits(p: GemmPlan): boolean {
  return (
    (p.tileM + PAD_M) * p.tileK + p.tileK * p.tileN <= SHARED_FLOATS &&
    p.regM % 4 === 0 &&
    p.regN % 4 === 0 &&
    p.tileN % p.regN === 0 &&
    WORKGROUP % p.threadsN === 0 &&
    (p.tileM * p.tileK) % WORKGROUP === 0 &&
    (p.tileK * p.tileN) % WORKGROUP === 0 &&
    WORKGROUP % p.tileK === 0
  );
}

/** For benchmarks: replaces planConvGemm's choice (undefined restores it). */
let planOverride: ((m: number, n: number, k: number) => GemmPlan) | undefined;
export function overrideGemmPlan(choose: ((m: number, n: number, k: number) => GemmPlan) | undefined): void {
  planOverride = choose;
}

/**
 * Chooses the tile shape from the GEMM's size (pure; unit-tested on CPU). From the H200 sweep of every fitting shape
 * on SRCNN's and EDSR's convolutions (reports/gemm-sweep-2026-11-29.md): 4-wide column blocks and 8-deep reduction
 * steps won throughout; 32-column tiles for up to 127 output channels, 128-column tiles above; 8-row blocks where
 * enough workgroups remain to fill the card.
 */
export function planConvGemm(m: number, n: number, k: number): GemmPlan {
  const tileN = n >= 128 ? 128 : 32;
  const regN = 4;
  const threadsM = WORKGROUP / (tileN / regN);
  const tiles = (regM: number) => Math.ceil(m / (threadsM * regM)) * Math.ceil(n / tileN);
  const regM = tileN === 128 || tiles(8) >= MIN_WORKGROUPS ? 8 : 4;
  let tileK = 8;
  while (tileK > 4 && !planFits(gemmPlan(m, n, k, { tileN, regN, regM, tileK }))) tileK /= 2;
  return gemmPlan(m, n, k, { tileN, regN, regM, tileK });
}

/** Where A comes from: an NHWC source read at (oy * stride - padTop + ky, ox * stride - padLeft + kx, c). */
interface GatherGeometry {
  readonly batch: number;
  readonly srcHeight: number;
  readonly srcWidth: number;
  readonly srcChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  /** The GEMM's n: output channels (forward) or input channels (backprop input). */
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly stride: number;
  readonly padTop: number;
  readonly padLeft: number;
  /** "forward": B[k, n] = W[k * n_total + n]; "backpropInput": B[(ky, kx, co), ci] = W[fh-1-ky, fw-1-kx, ci, co]. */
  readonly mode: "forward" | "backpropInput";
  readonly activation: "linear" | "relu";
  readonly hasBias: boolean;
}

class ConvGemmProgram implements WebGPUProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [3], y: [0, 1, 2] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  constructor(
    private readonly g: GatherGeometry,
    private readonly plan: GemmPlan,
  ) {
    this.variableNames = g.hasBias ? ["src", "W", "bias"] : ["src", "W"];
    this.outputShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
    this.dispatch = [Math.ceil(plan.n / plan.tileN), Math.ceil(plan.m / plan.tileM), 1];
    this.shaderKey = `fieldbenchConvGemm_${Object.values(g).join("_")}_${Object.values(plan).join("_")}`;
  }

  getUserCode(): string {
    const g = this.g;
    const { m, n, k, tileM, tileN, regM, regN, threadsN, tileK } = this.plan;
    const rowsPerPass = WORKGROUP / tileK;
    const aLoads = (tileM * tileK) / WORKGROUP;
    const bLoads = (tileK * tileN) / WORKGROUP;
    const strideA = tileM + PAD_M;
    const bIndex =
      g.mode === "forward"
        ? "kr * N + nc"
        : // k = (ky, kx, co) over dy's channels; the filter is [fh, fw, ci = n, co = srcChannels].
          "(((FH - 1 - ky) * FW + (FW - 1 - kx)) * N + nc) * SC + c";
    const lines: string[] = [];
    // Unrolled register block: constant indices keep acc, a and b in registers.
    for (let i = 0; i < regM; i++)
      for (let j = 0; j < regN; j++) lines.push(`acc[${i * regN + j}] = fma(a[${i}], b[${j}], acc[${i * regN + j}]);`);
    const aRead = Array.from({ length: regM / 4 }, (_, q) => `let a${q} = As[(kk * SA + ty * RM) / 4 + ${q}];`).join(
      "\n",
    );
    const aAssign = Array.from({ length: regM }, (_, i) => `a[${i}] = a${Math.floor(i / 4)}[${i % 4}];`).join("\n");
    const bRead = Array.from({ length: regN / 4 }, (_, q) => `let b${q} = Bs[(kk * TN + tx * RN) / 4 + ${q}];`).join(
      "\n",
    );
    const bAssign = Array.from({ length: regN }, (_, j) => `b[${j}] = b${Math.floor(j / 4)}[${j % 4}];`).join("\n");
    return `
      const TM : i32 = ${tileM};
      const TN : i32 = ${tileN};
      const TK : i32 = ${tileK};
      const RM : i32 = ${regM};
      const RN : i32 = ${regN};
      const SA : i32 = ${strideA};
      const M : i32 = ${m};
      const N : i32 = ${n};
      const K : i32 = ${k};
      const SH : i32 = ${g.srcHeight};
      const SW : i32 = ${g.srcWidth};
      const SC : i32 = ${g.srcChannels};
      const OH : i32 = ${g.outHeight};
      const OW : i32 = ${g.outWidth};
      const FH : i32 = ${g.filterHeight};
      const FW : i32 = ${g.filterWidth};
      const ST : i32 = ${g.stride};
      const PT : i32 = ${g.padTop};
      const PL : i32 = ${g.padLeft};
      const ROWS : i32 = ${rowsPerPass};

      var<workgroup> As : array<vec4<f32>, ${(strideA * tileK) / 4}>;
      var<workgroup> Bs : array<vec4<f32>, ${(tileK * tileN) / 4}>;

      fn main() {
        let n0 = i32(workgroupId.x) * TN;
        let m0 = i32(workgroupId.y) * TM;
        let tid = i32(localIndex);
        let tx = tid % ${threadsN};
        let ty = tid / ${threadsN};

        // This thread stages A at k-offset kk = tid % TK for rows tid / TK + ROWS * j: their source pixel origins
        // are fixed for the whole reduction, so the index arithmetic of m happens once.
        let kkA = tid % TK;
        var rowBase : array<i32, ${aLoads}>;
        var rowY : array<i32, ${aLoads}>;
        var rowX : array<i32, ${aLoads}>;
        for (var j = 0; j < ${aLoads}; j = j + 1) {
          let mr = m0 + tid / TK + ROWS * j;
          let ox = mr % OW;
          let t = mr / OW;
          let oy = t % OH;
          let bb = t / OH;
          rowBase[j] = bb * SH;
          rowY[j] = select(-1000000, oy * ST - PT, mr < M);
          rowX[j] = ox * ST - PL;
        }

        var acc : array<f32, ${regM * regN}>;
        for (var i = 0; i < ${regM * regN}; i = i + 1) { acc[i] = 0.0; }
        var a : array<f32, ${regM}>;
        var b : array<f32, ${regN}>;

        // A constant trip count keeps the barriers in uniform control flow (WGSL's uniformity rules).
        for (var k0 = 0; k0 < K; k0 = k0 + TK) {
          {
            let kr = k0 + kkA;
            let c = kr % SC;
            let t = kr / SC;
            let kx = t % FW;
            let ky = t / FW;
            for (var j = 0; j < ${aLoads}; j = j + 1) {
              let iy = rowY[j] + ky;
              let ix = rowX[j] + kx;
              var v = 0.0;
              if (kr < K && iy >= 0 && iy < SH && ix >= 0 && ix < SW) {
                v = src[((rowBase[j] + iy) * SW + ix) * SC + c];
              }
              let e = kkA * SA + tid / TK + ROWS * j;
              As[e / 4][e % 4] = v;
            }
          }
          for (var j = 0; j < ${bLoads}; j = j + 1) {
            let e = tid + ${WORKGROUP} * j;
            let nn = e % TN;
            let kk = e / TN;
            let kr = k0 + kk;
            let nc = n0 + nn;
            var v = 0.0;
            if (kr < K && nc < N) {
              let c = kr % SC;
              let t = kr / SC;
              let kx = t % FW;
              let ky = t / FW;
              v = W[${bIndex}];
            }
            Bs[e / 4][e % 4] = v;
          }
          workgroupBarrier();
          for (var kk = 0; kk < TK; kk = kk + 1) {
            ${aRead}
            ${aAssign}
            ${bRead}
            ${bAssign}
            ${lines.join("\n            ")}
          }
          workgroupBarrier();
        }

        for (var i = 0; i < RM; i = i + 1) {
          let mr = m0 + ty * RM + i;
          for (var j = 0; j < RN; j = j + 1) {
            let nc = n0 + tx * RN + j;
            // uniforms.outShape[3] is N; reading it keeps the uniform binding that tfjs-webgpu always binds.
            if (mr < M && nc < uniforms.outShape[3]) {
              var v = acc[i * RN + j];
              ${g.hasBias ? "v = v + bias[nc];" : ""}
              ${g.activation === "relu" ? "v = max(v, 0.0);" : ""}
              result[mr * N + nc] = v;
            }
          }
        }
      }
    `;
  }
}

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: "NHWC" | "NCHW";
  dilations?: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
  activation?: string;
  inputShape?: [number, number, number, number];
}

const isOne = (v: [number, number] | number | undefined) =>
  v === undefined || (typeof v === "number" ? v === 1 : v[0] === 1 && v[1] === 1);

/** The GEMM over the geometry: m output pixels, n = outChannels, k = filter taps x source channels. */
function run(backend: WebGPUBackend, g: GatherGeometry, inputs: tf.TensorInfo[]) {
  const plan = (planOverride ?? planConvGemm)(
    g.batch * g.outHeight * g.outWidth,
    g.outChannels,
    g.filterHeight * g.filterWidth * g.srcChannels,
  );
  return backend.runWebGPUProgram(new ConvGemmProgram(g, plan), inputs, "float32");
}

/** Forward conv (Conv2D, or FusedConv2D with an optional per-channel bias and linear/relu). */
function forwardKernel(fallback: tf.KernelFunc, fused: boolean): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as unknown as WebGPUBackend;
    const attrs = args.attrs as unknown as ConvAttrs;
    const { x, filter, bias, preluActivationWeights } = args.inputs as unknown as Record<string, tf.TensorInfo>;
    const activation = fused ? (attrs.activation ?? "linear") : "linear";
    if (
      attrs.dataFormat === "NCHW" ||
      !isOne(attrs.dilations) ||
      x?.dtype !== "float32" ||
      preluActivationWeights !== undefined ||
      (activation !== "linear" && activation !== "relu")
    )
      return fallback(args);
    const xs = x.shape as [number, number, number, number];
    const fs = (filter as tf.TensorInfo).shape as [number, number, number, number];
    if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== fs[3])) return fallback(args);
    const info = tf.backend_util.computeConv2DInfo(xs, fs, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    // Few input channels (SRCNN's and EDSR's first layers, 3): tfjs's kernel was as fast or faster in the sweep.
    if (
      info.strideHeight !== info.strideWidth ||
      info.outChannels < MIN_GEMM_N ||
      info.inChannels < MIN_GEMM_SOURCE_CHANNELS
    )
      return fallback(args);
    const g: GatherGeometry = {
      batch: info.batchSize,
      srcHeight: info.inHeight,
      srcWidth: info.inWidth,
      srcChannels: info.inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      outChannels: info.outChannels,
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      stride: info.strideHeight,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
      mode: "forward",
      activation,
      hasBias: bias !== undefined,
    };
    const inputs = bias === undefined ? [x, filter as tf.TensorInfo] : [x, filter as tf.TensorInfo, bias];
    return run(backend, g, inputs);
  };
}

/** dx of a stride-1 conv: the forward GEMM over dy with the flipped, transposed filter. */
function backpropInputKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const backend = args.backend as unknown as WebGPUBackend;
    const attrs = args.attrs as unknown as ConvAttrs;
    const { dy, filter } = args.inputs as unknown as Record<string, tf.TensorInfo>;
    if (attrs.dataFormat === "NCHW" || dy?.dtype !== "float32" || attrs.inputShape === undefined) return fallback(args);
    const fs = (filter as tf.TensorInfo).shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      fs,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.inChannels < MIN_GEMM_N) return fallback(args);
    const g: GatherGeometry = {
      batch: info.batchSize,
      srcHeight: info.outHeight,
      srcWidth: info.outWidth,
      srcChannels: info.outChannels,
      outHeight: info.inHeight,
      outWidth: info.inWidth,
      outChannels: info.inChannels,
      filterHeight: info.filterHeight,
      filterWidth: info.filterWidth,
      stride: 1,
      padTop: info.filterHeight - 1 - info.padInfo.top,
      padLeft: info.filterWidth - 1 - info.padInfo.left,
      mode: "backpropInput",
      activation: "linear",
      hasBias: false,
    };
    return run(backend, g, [dy, filter as tf.TensorInfo]);
  };
}

/**
 * Replaces the webgpu backend's Conv2D, FusedConv2D and Conv2DBackpropInput with the implicit GEMM (shapes it does
 * not cover still go to the stock kernels). Returns a function that restores the stock kernels.
 */
export function registerWebgpuConvGemm(): () => void {
  return overrideWebgpuKernels({
    Conv2D: (stock) => forwardKernel(stock, false),
    FusedConv2D: (stock) => forwardKernel(stock, true),
    Conv2DBackpropInput: backpropInputKernel,
  });
}
