import { describe, expect, it } from "vitest";
import { createCpuSolver } from "../solver-cpu.js";
import { openGpuDevice } from "./device.js";
import { createWebGpuSolver } from "./solver-webgpu.js";

// The WGSL solver on a real Vulkan device: Mesa's lavapipe runs the shaders on the CPU (`npm run test:system-deps`
// installs it), so CI checks what the GPU machine checked (reports/webgpu-compare-2048.json: 3.97e-6..6.48e-6):
// the float32 WebGPU solver against the float64 CPU solver, 128², 100 SSP-RK3 steps at one fixed dt.

/** Whether a device opens here (a GPU, or lavapipe): the solver's own device path, shared with the test. */
const adapter = await openGpuDevice().then(
  () => true,
  () => false,
);
const NO_ADAPTER =
  "skipped: no WebGPU adapter (no GPU and no Vulkan driver; `npm run test:system-deps` installs Mesa's lavapipe)";

function relativeL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  let r = 0;
  for (let i = 0; i < want.length; i++) {
    d += ((got[i] as number) - (want[i] as number)) ** 2;
    r += (want[i] as number) ** 2;
  }
  return Math.sqrt(d / r);
}

describe.skipIf(!adapter)(
  `WebGPU solver vs the CPU solver on a real device${adapter ? "" : ` (${NO_ADAPTER})`}`,
  () => {
    it("agrees to 1e-4 relative in u, v and w after 100 steps at 128², Re 16000", async () => {
      const probe = createCpuSolver({ n: 128, re: 16000, seed: 42, k0: 10, cfl: 0.5 });
      const dt = (0.5 * ((2 * Math.PI) / 128)) / (await probe.step(0)).speed; // CFL 0.5 at the initial speed
      const params = { n: 128, re: 16000, seed: 42, k0: 10, cfl: 0.5, dt };
      const cpu = createCpuSolver(params);
      const gpu = await createWebGpuSolver(params);
      for (let k = 0; k < 100; k++) {
        await cpu.step();
        await gpu.step();
      }
      const [c, g] = [await cpu.snapshot(), await gpu.snapshot()];
      for (const f of ["u", "v", "w"] as const) expect(relativeL2(g[f], c[f]), f).toBeLessThan(1e-4);
      // And the flow moved: the fields after 100 steps differ from the initial ones by far more than that.
      const initial = await createCpuSolver(params).snapshot();
      expect(relativeL2(c.w, initial.w)).toBeGreaterThan(1e-2);
      gpu.dispose();
    }, 180_000);
  },
);
