/**
 * Whether Dawn finds a WebGPU adapter on this machine (a GPU, or Mesa's lavapipe on the CPU), without touching
 * tfjs. The tests that run WGSL for real use it to say plainly why they skip where neither is installed.
 */
// Held for the life of the process: Dawn has aborted when an instance was collected under live objects.
const held: unknown[] = [];

export async function hasWebgpuAdapter(): Promise<boolean> {
  try {
    const webgpu = (await import("webgpu")) as unknown as {
      create: (flags: string[]) => { requestAdapter(): Promise<unknown> };
      globals: Record<string, unknown>;
    };
    Object.assign(globalThis, webgpu.globals);
    const instance = webgpu.create([]);
    held.push(instance);
    return (await instance.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

/** The skip reason the WebGPU tests print. */
export const NO_ADAPTER =
  "skipped: no WebGPU adapter (no GPU and no Vulkan driver; `npm run test:system-deps` installs Mesa's lavapipe)";
