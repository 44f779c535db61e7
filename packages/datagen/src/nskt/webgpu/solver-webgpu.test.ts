import { describe, expect, it } from "vitest";
import { isFieldbenchError } from "@fieldbench/core";
import { setWebGpuFlags } from "./device.js";
import { createWebGpuSolver } from "./solver-webgpu.js";

// Dawn's null backend runs no shaders but drives the real host path: pipelines, bind groups, submits and read-backs.
// The solver chooses dt and counts steps on the GPU, so on a device that runs nothing no trajectory ever advances:
// that must end in a clear error, not an endless loop. The numerics run on lavapipe (solver-lavapipe.test.ts).
setWebGpuFlags(["backend=null"]);

describe("WebGPU solver host path (Dawn null backend)", () => {
  it("fails with WORK_FAILED when the device runs no shaders instead of spinning", async () => {
    const s = await createWebGpuSolver({ n: 32, re: 16000, seed: 1, k0: 4, cfl: 0.5, dt: 0.01 });
    const err = await s.advanceTo(0.05).catch((e: unknown) => e);
    expect(isFieldbenchError(err, "WORK_FAILED")).toBe(true);
    expect(String((err as Error).message)).toMatch(/none ran/);
    s.dispose();
  });
});
