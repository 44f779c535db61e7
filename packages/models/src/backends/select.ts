import * as tf from "@tensorflow/tfjs-core";
import { FieldbenchError } from "@fieldbench/core";

export const BACKEND_NAMES = ["webgpu", "wasm", "cpu", "tensorflow"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * Activates a TF.js backend by name. `webgpu` goes through Dawn (npm `webgpu`) and needs a GPU adapter;
 * `wasm` gets the training kernels it lacks; `tensorflow` uses @tensorflow/tfjs-node(-gpu) when the user has
 * installed it (never a dependency: its install downloads libtensorflow from outside the npm registry).
 */
let active: { backend: BackendName; detail: string } | undefined;

/** The backend in use, activating FIELDBENCH_BACKEND (default wasm) when none was chosen yet. */
export async function ensureBackend(): Promise<{ backend: BackendName; detail: string }> {
  return active ?? useBackend(process.env.FIELDBENCH_BACKEND ?? "wasm");
}

export async function useBackend(name: string): Promise<{ backend: BackendName; detail: string }> {
  active = await activate(name);
  return active;
}

async function activate(name: string): Promise<{ backend: BackendName; detail: string }> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new FieldbenchError("UNKNOWN_BACKEND", `unknown backend "${name}" (known: ${BACKEND_NAMES.join(", ")})`);
  }
  tf.enableProdMode();
  switch (name as BackendName) {
    case "webgpu":
      return { backend: "webgpu", detail: await useWebgpu() };
    case "wasm": {
      await import("@tensorflow/tfjs-backend-wasm");
      const { registerWasmTrainingKernels } = await import("./wasm-kernels.js");
      registerWasmTrainingKernels();
      await tf.setBackend("wasm");
      return { backend: "wasm", detail: "tfjs-backend-wasm (SIMD, single thread) + fieldbench training kernels" };
    }
    case "cpu":
      await import("@tensorflow/tfjs-backend-cpu");
      await tf.setBackend("cpu");
      return { backend: "cpu", detail: "tfjs pure-JS cpu backend (slow: a fallback)" };
    case "tensorflow":
      return { backend: "tensorflow", detail: await useTfjsNode() };
  }
}

/**
 * Exposes Dawn (npm `webgpu`) as `navigator.gpu`, where tfjs-backend-webgpu looks for a GPU, and activates the webgpu
 * backend with tfjs's own kernels. `useBackend("webgpu")` adds fieldbench's kernels on top; the GPU benchmarks
 * (tools/gpu/) call this alone, to time the stock kernels first. Returns the adapter's description.
 */
export async function startWebgpu(): Promise<string> {
  let webgpu: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  try {
    webgpu = (await import("webgpu")) as unknown as typeof webgpu;
  } catch (cause) {
    throw new FieldbenchError(
      "BACKEND_UNAVAILABLE",
      `the webgpu package (Dawn) did not load on this machine; use --backend wasm`,
      {
        cause,
      },
    );
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]) as { requestAdapter(): Promise<{ info?: Record<string, string> } | null> };
  const adapter = await gpu.requestAdapter();
  if (adapter === null) {
    throw new FieldbenchError(
      "BACKEND_UNAVAILABLE",
      "no WebGPU adapter on this machine (no GPU, or no Vulkan driver): use --backend wasm to run on the CPU",
    );
  }
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator === undefined) g.navigator = {};
  Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
  await import("@tensorflow/tfjs-backend-webgpu");
  await tf.setBackend("webgpu");
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.description].filter(Boolean).join(" ");
}

async function useWebgpu(): Promise<string> {
  const adapter = await startWebgpu();
  // FIELDBENCH_WEBGPU_STOCK_KERNELS=1 keeps tfjs's own kernels: the reference for the speed issue's
  // "same validation loss with the new kernels" check.
  const stock = process.env.FIELDBENCH_WEBGPU_STOCK_KERNELS === "1";
  const gemm = !stock && process.env.FIELDBENCH_WEBGPU_NO_CONV_GEMM !== "1";
  if (!stock) {
    const { registerWebgpuConv2DBackpropFilter } = await import("./webgpu-conv2d-backprop-filter.js");
    registerWebgpuConv2DBackpropFilter();
    // fieldbench's implicit-GEMM forward and backprop-input convolutions (webgpu-conv2d-gemm.ts): on the H200 they
    // took EDSR's forward + backprop-input kernels from 16.5 to 11.9 ms a step and SRCNN's 2048² inference from 60
    // to 52 ms (reports/bench-gpu-2026-11-29-gemm.md). FIELDBENCH_WEBGPU_NO_CONV_GEMM=1 keeps tfjs's.
    if (gemm) {
      const { registerWebgpuConvGemm } = await import("./webgpu-conv2d-gemm.js");
      registerWebgpuConvGemm();
    }
  }
  // tfjs-webgpu computes Conv2DBackpropInput with a naive kernel unless told otherwise (its tiled matmul kernel is
  // marked "TODO: experiment"). The tiled one agrees to 2e-6 (tests, on lavapipe), took SRCNN's backprop-input
  // from 9.6 to 5.2 ms a step on the H200 and reached the stock kernels' validation losses from the same seed
  // (packages/models/reports/bench-gpu-2026-11-29-flatadam.md), so it is the default;
  // FIELDBENCH_WEBGPU_NAIVE_BACKPROP_INPUT=1 (or the stock switch) goes back to the naive one.
  const mmInput = !stock && process.env.FIELDBENCH_WEBGPU_NAIVE_BACKPROP_INPUT !== "1";
  tf.env().set("WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE", !mmInput);
  const kernels = stock
    ? "stock tfjs kernels"
    : `split-K filter gradient${gemm ? ", GEMM conv and backprop-input" : mmInput ? ", tiled backprop-input" : ""}`;
  return `tfjs-backend-webgpu on ${adapter} (${kernels})`;
}

async function useTfjsNode(): Promise<string> {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(pkg);
      await tf.setBackend("tensorflow");
      return `${pkg} (libtensorflow)`;
    } catch {
      // try the next one
    }
  }
  throw new FieldbenchError(
    "BACKEND_UNAVAILABLE",
    "backend tensorflow needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed by you (it is not a dependency); use --backend webgpu or wasm",
  );
}
