import { FieldbenchError } from "@fieldbench/core";

/**
 * Opens a WebGPU device through the `webgpu` package (Dawn). Machines without a GPU adapter (CI, most laptops
 * without Vulkan) get BACKEND_UNAVAILABLE with what to do instead, never a crash.
 */
/**
 * The Dawn instance and adapter must outlive every device: if the instance is garbage-collected while a device is
 * in use, Dawn aborts the process ("futex facility returned an unexpected error code"). Kept here for the process.
 */
const keepAlive: unknown[] = [];
/**
 * One device per process, shared by every solver (a second Dawn instance in the same process left mapAsync
 * unresolved on the GPU machine). Solvers free their own buffers and never destroy the device.
 */
let shared: Promise<GPUDevice> | undefined;
let createFlags: string[] = [];

/**
 * Dawn instance flags for the next device, e.g. ["backend=null"]: Dawn's null backend runs no shaders but exercises
 * the whole object, submit and readback path, so the solver's host side can be checked on machines without a GPU.
 */
export function setWebGpuFlags(flags: readonly string[]): void {
  createFlags = [...flags];
  shared = undefined;
}

export function openGpuDevice(): Promise<GPUDevice> {
  if (shared === undefined) {
    shared = openNewDevice();
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

async function openNewDevice(): Promise<GPUDevice> {
  let adapter: GPUAdapter | null = null;
  try {
    const webgpu = await import("webgpu");
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create(createFlags);
    keepAlive.push(gpu);
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    keepAlive.push(adapter);
  } catch (cause) {
    throw new FieldbenchError(
      "BACKEND_UNAVAILABLE",
      "webgpu backend unavailable (the Dawn binding did not load); use --backend cpu",
      { cause },
    );
  }
  if (adapter === null) {
    throw new FieldbenchError(
      "BACKEND_UNAVAILABLE",
      "webgpu backend unavailable: no GPU adapter found (needs Vulkan and a GPU); use --backend cpu",
    );
  }
  const limits = adapter.limits;
  return adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      // The FFT holds whole lines in workgroup storage: 32 KiB where the adapter allows it (the default is 16 KiB).
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    },
  });
}
