import { isFieldbenchError } from "@fieldbench/core";
import { useBackend } from "./select.js";

/**
 * Activates the webgpu backend as the library does (`useBackend`), reporting false instead of throwing where Dawn
 * finds no adapter (no GPU and no Vulkan driver). The tests that run WGSL for real use it to say plainly why they
 * skip there.
 */
export async function activateWebgpu(): Promise<boolean> {
  try {
    await useBackend("webgpu");
    return true;
  } catch (err) {
    if (isFieldbenchError(err) && err.code === "BACKEND_UNAVAILABLE") return false;
    throw err;
  }
}

/** The skip reason the WebGPU tests print. */
export const NO_ADAPTER =
  "skipped: no WebGPU adapter (no GPU and no Vulkan driver; `npm run test:system-deps` installs Mesa's lavapipe)";
