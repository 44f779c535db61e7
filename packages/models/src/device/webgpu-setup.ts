import * as tf from "@tensorflow/tfjs-core";

/**
 * Makes Dawn's WebGPU (npm `webgpu`) visible to tfjs-backend-webgpu in Node: the backend looks for
 * `navigator.gpu`. Throws BACKEND_UNAVAILABLE-style errors with a hint when there is no adapter.
 */
export async function useWebgpuBackend(): Promise<{ adapterInfo: string }> {
  const webgpu = (await import("webgpu")) as unknown as {
    create: (flags: string[]) => unknown;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]) as { requestAdapter(): Promise<{ info?: Record<string, string> } | null> };
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  if (g.navigator === undefined) g.navigator = {};
  Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
  const adapter = await gpu.requestAdapter();
  if (adapter === null)
    throw new Error("no WebGPU adapter: run on a machine with a GPU and Vulkan, or use --backend wasm");
  await import("@tensorflow/tfjs-backend-webgpu");
  await tf.setBackend("webgpu");
  await tf.ready();
  const info = adapter.info ?? {};
  return { adapterInfo: [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") };
}
